import SluiceConnectors
import SluiceCore
import SluiceOperators

/// Maps the spec's `type` and `operation` names to components, and builds configured
/// components from a spec's `config`.
///
/// Adding a component is one `register` line in ``builtIn``; the registry decodes the
/// component's typed `Config` (errors carry the exact path) and calls its throwing `init`.
///
/// Registering does no work per component: a component's declaration is computed the first
/// time something asks for it (planning a job that uses it, the grammar, the catalogue or
/// the reference) and kept, so a process that starts and serves `/health` never builds one.
public struct ComponentRegistry: Sendable {
    typealias SourceBuilder = @Sendable (Value, ComponentContext) throws -> any Source
    typealias TransformBuilder = @Sendable (Value, ComponentContext) throws -> PlannedTransform
    typealias TargetBuilder = @Sendable (Value, ComponentContext) throws -> any Target

    private var sources: [String: SourceBuilder] = [:]
    private var transforms: [String: TransformBuilder] = [:]
    private var targets: [String: TargetBuilder] = [:]
    private var declarations: [ComponentKind: [String: LazyValue<ComponentDeclaration>]] = [:]

    /// An empty registry.
    public init() {}

    /// Every component Sluice ships with.
    public static let builtIn: ComponentRegistry = {
        var registry = ComponentRegistry()
        registry.registerSource(FileSource.self)
        registry.registerSource(APISource.self)
        registry.registerSource(SQLiteSource.self)
        registry.registerSource(MySQLSource.self)
        registry.registerSource(PostgresSource.self)
        registry.registerSource(PostgresCDCSource.self)
        registry.registerSource(SSESource.self)
        registry.registerSource(WebSocketSource.self)
        registry.registerSource(RedisStreamSource.self)
        registry.registerSource(NATSJetStreamSource.self)
        registry.registerTransform(Filter.self)
        registry.registerTransform(Map.self)
        registry.registerTransform(Split.self)
        registry.registerTransform(Aggregate.self)
        registry.registerTransform(Join.self)
        registry.registerTransform(Lookup.self)
        registry.registerTransform(Dedupe.self)
        registry.registerTransform(Window.self)
        registry.registerTransform(Add.self)
        registry.registerTransform(Custom.self)
        registry.registerTransform(SelectFields.self)
        registry.registerTransform(RenameFields.self)
        registry.registerTransform(RemoveFields.self)
        registry.registerTransform(CastFields.self)
        registry.registerTransform(FlattenRecords.self)
        registry.registerTransform(UnflattenRecords.self)
        registry.registerTransform(TrimText.self)
        registry.registerTransform(Mask.self)
        registry.registerTransform(NormalizeText.self)
        registry.registerTransform(SanitizeText.self)
        registry.registerTransform(RemoveNulls.self)
        registry.registerTransform(FillNulls.self)
        registry.registerTransform(CoerceFields.self)
        registry.registerTransform(Sort.self)
        registry.registerTransform(Limit.self)
        registry.registerTransform(Sample.self)
        registry.registerTransform(Pivot.self)
        registry.registerTransform(Unpivot.self)
        registry.registerTarget(FileTarget.self)
        registry.registerTarget(SQLiteTarget.self)
        registry.registerTarget(MySQLTarget.self)
        registry.registerTarget(PostgresTarget.self)
        registry.registerTarget(HTTPTarget.self)
        registry.registerTarget(RedisStreamTarget.self)
        registry.registerTarget(NATSJetStreamTarget.self)
        return registry
    }()

    /// The registered source type names, sorted.
    public var sourceTypes: [String] { names(.source) }
    /// The registered transform operation names, sorted.
    public var operations: [String] { names(.transform) }
    /// The registered target type names, sorted.
    public var targetTypes: [String] { names(.target) }

    /// Registers a source under its `type`.
    public mutating func registerSource<S: Source>(_ source: S.Type) {
        declarations[.source, default: [:]][S.type] = LazyValue { S.declaration }
        sources[S.type] = { config, context in
            try S(config: try ValueDecoder().decode(S.Config.self, from: config), context: context)
        }
    }

    /// Registers a batch-at-a-time transform under its `operation`.
    public mutating func registerTransform<T: StatelessTransform>(_ transform: T.Type) {
        noteDeclaration(T.self)
        transforms[T.operation] = { config, context in
            .stateless(try T(config: try ValueDecoder().decode(T.Config.self, from: config), context: context))
        }
    }

    /// Registers a transform that holds state until its input ends, under its `operation`.
    public mutating func registerTransform<T: StatefulTransform>(_ transform: T.Type) {
        noteDeclaration(T.self)
        transforms[T.operation] = { config, context in
            .stateful(StatefulBox(try T(config: try ValueDecoder().decode(T.Config.self, from: config), context: context)))
        }
    }

    /// Registers a stateful transform whose per-block states the workers build and the
    /// runner merges in order, under its `operation`.
    public mutating func registerTransform<T: MergeableTransform>(_ transform: T.Type) {
        noteDeclaration(T.self)
        transforms[T.operation] = { config, context in
            .stateful(StatefulBox(mergeable: try T(config: try ValueDecoder().decode(T.Config.self, from: config), context: context)))
        }
    }

    /// Registers a transform that reads a lookup data set first (a join), under its `operation`.
    public mutating func registerTransform<T: LookupTransform>(_ transform: T.Type) {
        noteDeclaration(T.self)
        transforms[T.operation] = { config, context in
            let transform = try T(config: try ValueDecoder().decode(T.Config.self, from: config), context: context)
            return .lookup(LookupStep(transform: transform, source: nil) { data in .stateless(try transform.prepared(with: data)) })
        }
    }

    /// Registers a lookup transform whose prepared form may keep state (a right or full join).
    public mutating func registerTransform<T: StatefulLookupTransform>(_ transform: T.Type) {
        noteDeclaration(T.self)
        transforms[T.operation] = { config, context in
            let transform = try T(config: try ValueDecoder().decode(T.Config.self, from: config), context: context)
            return .lookup(LookupStep(transform: transform, source: nil) { data in
                switch try transform.preparedTransform(with: data) {
                case .stateless(let prepared): return .stateless(prepared)
                case .stateful(let prepared): return .stateful(StatefulBox(prepared))
                }
            })
        }
    }

    /// Registers a target under its `type`.
    public mutating func registerTarget<T: Target>(_ target: T.Type) {
        declarations[.target, default: [:]][T.type] = LazyValue { T.declaration }
        targets[T.type] = { config, context in
            try T(config: try ValueDecoder().decode(T.Config.self, from: config), context: context)
        }
    }

    /// Keeps the declaration of a transform.
    private mutating func noteDeclaration<T: Transform>(_ transform: T.Type) {
        declarations[.transform, default: [:]][T.operation] = LazyValue { T.declaration }
    }

    /// The declaration of the `kind` component named `name`, computed on its first use.
    public func declaration(_ kind: ComponentKind, _ name: String) -> ComponentDeclaration? { declarations[kind]?[name]?.value }

    /// Whether the declaration of the `kind` component named `name` has been computed yet.
    func hasBuiltDeclaration(_ kind: ComponentKind, _ name: String) -> Bool { declarations[kind]?[name]?.isComputed ?? false }

    /// The registered names of `kind`, sorted.
    public func names(_ kind: ComponentKind) -> [String] { (declarations[kind] ?? [:]).keys.sorted() }

    func sourceBuilder(_ type: String) -> SourceBuilder? { sources[type] }
    func transformBuilder(_ operation: String) -> TransformBuilder? { transforms[operation] }
    func targetBuilder(_ type: String) -> TargetBuilder? { targets[type] }
}

extension ComponentRegistry {
    /// The grammar of every spec with this registry's components: what the JSON Schema says
    /// and what component configs are checked against.
    public var grammar: SpecGrammar { grammar(checksConfigs: true) }

    /// The grammar, with or without the components' configs (see ``SpecGrammar``).
    ///
    /// Without configs the grammar needs only the components' names, so it computes no
    /// declaration: their configs and the shapes they define are used by config checks alone.
    public func grammar(checksConfigs: Bool) -> SpecGrammar {
        guard checksConfigs else {
            // Every config is accepted here, so a variant is its name alone.
            func named(_ kind: ComponentKind) -> [SpecGrammar.Variant] { names(kind).map { ($0, ObjectShape([])) } }
            return SpecGrammar(sources: named(.source), transforms: named(.transform), targets: named(.target), checksConfigs: false)
        }
        func variants(_ kind: ComponentKind) -> [SpecGrammar.Variant] {
            names(kind).compactMap { name in declaration(kind, name).map { (name, $0.config) } }
        }
        var definitions: [String: Shape] = [:]
        for kind in ComponentKind.allCases {
            for name in names(kind) {
                for (key, shape) in declaration(kind, name)?.definitions ?? [:] { definitions[key] = shape }
            }
        }
        return SpecGrammar(
            sources: variants(.source), transforms: variants(.transform), targets: variants(.target), definitions: definitions,
            checksConfigs: checksConfigs)
    }
}

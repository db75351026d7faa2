import SluiceCore
import Testing

@testable import SluiceOperators

/// One transform type, seen through what its declaration says and what its code reads.
struct DeclaredTransform: Sendable, CustomTestStringConvertible {
    let operation: String
    let declaration: ComponentDeclaration
    /// The keys decoding the `Config` asks for, by object path.
    let requestedKeys: @Sendable (Value) -> [String: [String]]
    /// Decodes the config strictly and builds the transform, as the registry does.
    let build: @Sendable (Value) throws -> Void

    init<T: Transform>(_ type: T.Type) {
        operation = T.operation
        declaration = T.declaration
        requestedKeys = { ValueDecoder().requestedKeys(T.Config.self, in: $0) }
        build = { _ = try T(config: try ValueDecoder().decode(T.Config.self, from: $0), context: testContext()) }
    }

    var testDescription: String { operation }

    /// Every transform the operators module ships.
    static let all: [DeclaredTransform] = [
        .init(Filter.self), .init(Map.self), .init(Split.self), .init(Aggregate.self), .init(Join.self), .init(Lookup.self),
        .init(Dedupe.self), .init(Window.self), .init(Add.self), .init(Custom.self), .init(SelectFields.self),
        .init(RenameFields.self), .init(RemoveFields.self), .init(CastFields.self), .init(FlattenRecords.self),
        .init(UnflattenRecords.self), .init(TrimText.self), .init(NormalizeText.self), .init(SanitizeText.self),
        .init(RemoveNulls.self), .init(FillNulls.self), .init(CoerceFields.self), .init(Sort.self), .init(Limit.self),
        .init(Sample.self), .init(Pivot.self), .init(Unpivot.self),
    ]

    /// The declaration's named shapes, plus `source` (defined by the job grammar, which this
    /// module does not see) as any value.
    var catalog: ShapeCatalog {
        var catalog = ShapeCatalog(declaration.definitions)
        catalog.define("source", .anything("a source spec"))
        return catalog
    }

    /// Each example's config, parsed (`{dir}` stands for a directory).
    func exampleConfigs() throws -> [(title: String, config: Value)] {
        try declaration.examples.map { ($0.title, try json($0.config.replacingOccurrences(of: "{dir}", with: "/data"))) }
    }

    /// The declared problems of `config`.
    func errors(in config: Value) -> [SpecError] {
        ShapeValidator(catalog: catalog).errors(in: config, against: .object(declaration.config))
    }
}

/// Declared top-level keys that no example's decoding asks for, each with the reason.
private let unrequestedButDeclared: [String: (keys: Set<String>, reason: String)] = [
    "filter": (
        ["field", "operator", "value", "and", "or", "not", "expr"],
        "the config is one condition that ConditionSpec parses by hand from the whole Value, so the decoder records no keys; "
            + "conditionKeysMatchTheParser checks these against the parser's own key lists instead"),
]

/// Every transform declares exactly the keys its code reads: the examples validate against the
/// declaration, decoding them asks only for declared keys, and every declared key is asked for.
@Suite struct DeclarationTests {
    @Test func everyTransformIsDeclared() {
        let operations = DeclaredTransform.all.map(\.operation)
        #expect(operations.count == 27)
        #expect(Set(operations).count == operations.count)
        for transform in DeclaredTransform.all {
            #expect(!transform.declaration.config.isOpen, "\(transform.operation) is still undeclared")
            #expect(!transform.declaration.summary.isEmpty, "\(transform.operation)")
            #expect(!transform.declaration.examples.isEmpty, "\(transform.operation)")
            #expect(!transform.declaration.summary.contains("\\"), "\(transform.operation): a stray backslash in the summary")
            for field in transform.declaration.config.fields {
                #expect(!field.summary.isEmpty, "\(transform.operation).\(field.name) has no summary")
            }
            // Every named shape it refers to is declared beside it (or is the grammar's `source`).
            let missing = Self.references(in: .object(transform.declaration.config), catalog: transform.catalog).filter {
                transform.catalog[$0] == nil
            }
            #expect(missing.isEmpty, "\(transform.operation) refers to undeclared shapes \(missing)")
        }
    }

    @Test(arguments: DeclaredTransform.all)
    func examplesValidateAndBuild(_ transform: DeclaredTransform) throws {
        for (title, config) in try transform.exampleConfigs() {
            #expect(transform.errors(in: config).map(\.description) == [], "\(transform.operation): \(title)")
            #expect(throws: Never.self, "\(transform.operation): \(title)") { try transform.build(config) }
        }
    }

    @Test(arguments: DeclaredTransform.all)
    func decodingRequestsExactlyTheDeclaredKeys(_ transform: DeclaredTransform) throws {
        let declared = Set(transform.declaration.config.names)
        var requestedSomewhere = Set<String>()
        for (title, config) in try transform.exampleConfigs() {
            let requested = transform.requestedKeys(config)
            let topLevel = Set(requested[""] ?? [])
            #expect(topLevel.subtracting(declared).sorted() == [], "\(transform.operation): \(title) reads undeclared keys")
            requestedSomewhere.formUnion(topLevel)
            // Nested objects the declaration describes (sort keys, window functions, join pairs,
            // fill rules): their requested keys are declared there too.
            var shapes: [String: ObjectShape] = [:]
            Self.objectShapes(config, .object(transform.declaration.config), "", catalog: transform.catalog, into: &shapes)
            for (path, keys) in requested where !path.isEmpty {
                guard let shape = shapes[path] else {
                    // Only the lookup source spec (`with`, the grammar's) is decoded by keys this
                    // declaration does not describe.
                    #expect(path == "with" || path.hasPrefix("with."), "\(transform.operation): \(title): no declared object at \(path)")
                    continue
                }
                #expect(Set(keys).subtracting(shape.names).sorted() == [], "\(transform.operation): \(title): undeclared keys at \(path)")
            }
        }
        let exception = unrequestedButDeclared[transform.operation]
        let expectedUnrequested = exception?.keys ?? []
        #expect(declared.subtracting(requestedSomewhere) == expectedUnrequested, "\(transform.operation): \(exception?.reason ?? "")")
    }

    @Test(arguments: DeclaredTransform.all)
    func anUnknownKeyIsNamedWithItsNearestDeclaredKey(_ transform: DeclaredTransform) throws {
        guard let first = try transform.exampleConfigs().first?.config, case .object(var object) = first,
            let key = transform.declaration.config.names.first
        else {
            Issue.record("\(transform.operation) has no object example")
            return
        }
        // The first declared key with two letters swapped.
        var letters = Array(key)
        if letters.count > 2 { letters.swapAt(1, 2) } else { letters.append("x") }
        let misspelt = String(letters)
        object[misspelt] = .int(1)
        let errors = transform.errors(in: .object(object))
        #expect(
            errors.contains { $0.path == misspelt && $0.reason.hasPrefix("unknown key; did you mean '\(key)'?") },
            "\(transform.operation): \(errors)")
    }

    /// Filter conditions are parsed by hand; the declaration lists the same keys as the parser.
    @Test func conditionKeysMatchTheParser() {
        let parsed = Set(ConditionSpec.testKeys + ConditionSpec.combinators + ["expr"])
        #expect(Set(Filter.condition.names) == parsed)
        #expect(Set(Filter.condition.names) == unrequestedButDeclared["filter"]?.keys)
        guard case .choice(let operators, _)? = Filter.condition.field("operator")?.shape else {
            Issue.record("operator is not a choice")
            return
        }
        #expect(operators == FilterOperator.allCases.map(\.rawValue))
    }

    /// For the configs read by hand (conditions, aggregations, join keys, fill rules, sort keys),
    /// the declaration and the code accept and refuse the same configs.
    @Test(arguments: [
        ("filter", #"{"field": "a", "operator": "isNull"}"#, true),
        ("filter", #"{"and": [{"field": "a", "operator": "eq", "value": 1}, {"expr": "b > 2"}]}"#, true),
        ("filter", #"{"not": {"or": [{"field": "a", "operator": "in", "value": [1, 2]}]}}"#, true),
        ("filter", #"{"field": "a", "operator": "eq", "value": 1, "and": [{"expr": "b"}]}"#, false),
        ("filter", #"{"expr": "a > 1", "field": "a"}"#, false),
        ("filter", #"{"field": "a", "operatr": "eq", "value": 1}"#, false),
        ("filter", #"{"field": "a", "operator": "equals", "value": 1}"#, false),
        ("filter", #"{"field": "a"}"#, false),
        ("filter", #"{"and": []}"#, false),
        ("filter", #"{"or": [{"field": "a", "operator": "eq", "value": 1, "extra": 2}]}"#, false),
        ("filter", #"{}"#, false),
        ("aggregate", #"{"aggregations": {"a": "sum", "b": ["min", {"function": "max", "as": "top"}]}}"#, true),
        ("aggregate", #"{"aggregations": {"a": {"function": "sum", "as": "total"}, "t": {"field": "b", "function": "percentile", "p": 0.5}}}"#, true),
        ("aggregate", #"{"groupBy": ["g"]}"#, true),
        ("aggregate", #"{"groupBy": ["g"], "aggregations": {"a": "countNonNull"}, "having": {"field": "a", "operator": "gt", "value": 0}}"#, true),
        ("aggregate", #"{"aggregations": {"a": {"field": "b", "function": "sum", "as": "c"}}}"#, false),
        ("aggregate", #"{"aggregations": {"a": {"function": "total"}}}"#, false),
        ("aggregate", #"{"aggregations": {"a": [{"function": "sum", "field": "b"}]}}"#, false),
        ("aggregate", #"{"aggregations": {"a": {"function": "sum", "p": 2}}}"#, false),
        ("aggregate", #"{"aggregations": {"a": []}}"#, false),
        ("aggregate", #"{"aggregations": {"a": 3}}"#, false),
        ("aggregate", #"{}"#, false),
        ("join", #"{"with": {"type": "file"}, "on": [{"left": "a", "right": "b"}, "c"], "type": "full", "prefix": "r_"}"#, true),
        ("join", #"{"with": {"type": "file"}, "on": {"left": "a"}}"#, false),
        ("join", #"{"with": {"type": "file"}, "on": []}"#, false),
        ("join", #"{"with": {"type": "file"}, "on": "a", "type": "outer"}"#, false),
        ("lookup", #"{"with": {"type": "file"}, "on": "a", "fields": ["b"]}"#, true),
        ("lookup", #"{"with": {"type": "file"}, "on": "a", "type": "left"}"#, false),
        ("fillNulls", #"{"fields": {"a": {"value": 0}, "b": {"strategy": "forward"}, "c": {"strategy": "constant", "value": "x"}}}"#, true),
        ("fillNulls", #"{"fields": {"a": {}}}"#, false),
        ("fillNulls", #"{"fields": {"a": {"strategy": "average"}}}"#, false),
        ("fillNulls", #"{"fields": {"a": {"valeu": 1}}}"#, false),
        ("sort", #"{"by": ["a", {"field": "b", "direction": "desc", "nulls": "first"}]}"#, true),
        ("sort", #"{"by": [{"field": "b", "order": "desc"}]}"#, false),
        ("sort", #"{"by": []}"#, false),
        ("window", #"{"orderBy": ["a"], "functions": [{"function": "lead", "field": "v", "as": "n", "offset": 2, "default": 0}]}"#, true),
        ("window", #"{"functions": [{"function": "lead", "field": "v", "as": "n", "offset": 9223372036854775807}]}"#, false),
        ("pivot", #"{"column": "c", "aggregate": "count"}"#, true),
        ("pivot", #"{"column": "c", "value": "v", "aggregate": "countNonNull"}"#, true),
        ("sample", #"{"fraction": 0.5, "count": 2}"#, false),
        ("sample", #"{"seed": 3}"#, false),
        ("normalize", #"{"fields": ["a"]}"#, false),
        ("cast", #"{"fields": {"a": "float"}}"#, false),
    ])
    func declarationAndCodeAgree(operation: String, config: String, valid: Bool) throws {
        let transform = try #require(DeclaredTransform.all.first { $0.operation == operation })
        let value = try json(config)
        let declared = transform.errors(in: value)
        var built: (any Error)?
        do { try transform.build(value) } catch { built = error }
        #expect(declared.isEmpty == valid, "declaration: \(declared)")
        #expect((built == nil) == valid, "code: \(built.map { "\($0)" } ?? "accepted")")
    }

    /// The names `.reference` points at anywhere in `shape`.
    static func references(in shape: Shape, catalog: ShapeCatalog, seen: Set<String> = []) -> Set<String> {
        switch shape {
        case .reference(let name):
            guard !seen.contains(name), let resolved = catalog[name] else { return [name] }
            return references(in: resolved, catalog: catalog, seen: seen.union([name])).union([name])
        case .array(let element, _): return references(in: element, catalog: catalog, seen: seen)
        case .map(_, let values): return references(in: values, catalog: catalog, seen: seen)
        case .anyOf(let shapes): return shapes.reduce(into: Set<String>()) { $0.formUnion(references(in: $1, catalog: catalog, seen: seen)) }
        case .object(let object):
            return object.fields.reduce(into: Set<String>()) { $0.formUnion(references(in: $1.shape, catalog: catalog, seen: seen)) }
        case .string, .integer, .number, .boolean, .choice, .anything, .variants: return []
        }
    }

    /// The declared object shape at each object path of `value` (spelled as decoding paths
    /// are: `functions[0]`, `fields.age`), following `shape`.
    static func objectShapes(_ value: Value, _ shape: Shape, _ path: String, catalog: ShapeCatalog, into result: inout [String: ObjectShape]) {
        switch (shape, value) {
        case (.object(let declared), .object(let object)):
            result[path] = declared
            for (key, item) in object.pairs {
                guard let field = declared.field(key) else { continue }
                objectShapes(item, field.shape, SpecPath.join(path, key), catalog: catalog, into: &result)
            }
        case (.map(_, let values), .object(let object)):
            for (key, item) in object.pairs { objectShapes(item, values, SpecPath.join(path, key), catalog: catalog, into: &result) }
        case (.array(let element, _), .array(let items)):
            for (index, item) in items.enumerated() { objectShapes(item, element, path + "[\(index)]", catalog: catalog, into: &result) }
        case (.anyOf(let shapes), _):
            guard let chosen = shapes.first(where: { sameKind($0, value, catalog: catalog) }) else { return }
            objectShapes(value, chosen, path, catalog: catalog, into: &result)
        case (.reference(let name), _):
            guard let resolved = catalog[name] else { return }
            objectShapes(value, resolved, path, catalog: catalog, into: &result)
        default:
            return
        }
    }

    /// Whether `value` is of the JSON kind `shape` takes.
    static func sameKind(_ shape: Shape, _ value: Value, catalog: ShapeCatalog) -> Bool {
        switch (shape, value) {
        case (.string, .string), (.choice, .string), (.integer, .int), (.number, .int), (.number, .double), (.boolean, .bool),
            (.array, .array), (.object, .object), (.map, .object), (.variants, .object), (.anything, _):
            return true
        case (.anyOf(let shapes), _): return shapes.contains { sameKind($0, value, catalog: catalog) }
        case (.reference(let name), _): return catalog[name].map { sameKind($0, value, catalog: catalog) } ?? false
        default: return false
        }
    }
}

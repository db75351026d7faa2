import SluiceCore

/// Reads submitted specs: checks the document against the ``SpecGrammar`` (every problem,
/// with its path, in document order), then decodes it. HTTP, the command line and the
/// scheduler read jobs, schedules and pipelines only through here, so a misspelt key is
/// refused wherever a spec comes from. Component configs are left to the planner, which
/// checks each against its component's declaration along with everything else it finds.
public struct SpecReader: Sendable {
    /// The grammar specs are checked against, built on the first read (copies of the reader
    /// share it).
    public var grammar: SpecGrammar { lazyGrammar.value }
    private let lazyGrammar: LazyValue<SpecGrammar>

    /// A reader for `registry`'s components; nothing is built until the first spec is read.
    public init(registry: ComponentRegistry) {
        lazyGrammar = LazyValue { registry.grammar(checksConfigs: false) }
    }

    /// The reader for the built-in components.
    public static let builtIn = SpecReader(registry: .builtIn)

    /// A job (`POST /jobs`, `sluice run`).
    public func job(_ value: Value) throws(SpecErrors) -> JobSpec { try read(JobSpec.self, as: "job", value) }

    /// A schedule (`POST /schedules`).
    public func schedule(_ value: Value) throws(SpecErrors) -> ScheduleSpec { try read(ScheduleSpec.self, as: "schedule", value) }

    /// A saved pipeline (`POST /pipelines`).
    public func pipeline(_ value: Value) throws(SpecErrors) -> PipelineSpec { try read(PipelineSpec.self, as: "pipeline", value) }

    /// Checks `value` against the grammar's shape `name`, then decodes it as `type`.
    public func read<T: Decodable>(_ type: T.Type, as name: String, _ value: Value) throws(SpecErrors) -> T {
        let errors = grammar.errors(in: value, as: name)
        guard errors.isEmpty else { throw SpecErrors(errors) }
        do {
            return try ValueDecoder().decode(type, from: value)
        } catch {
            throw SpecErrors([error])
        }
    }
}

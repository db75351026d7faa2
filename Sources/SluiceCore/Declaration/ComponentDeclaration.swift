/// Everything a component says about itself, declared once beside its code: what it does,
/// the keys of its `config`, and worked examples that the test suite runs.
///
/// The registry validates every submitted config against ``config`` before the component's
/// `Config` is decoded, `docs/reference.md` and `GET /components` are generated from it, and
/// the job's JSON Schema is built from it.
public struct ComponentDeclaration: Sendable {
    /// One paragraph: what the component does and how its settings combine.
    public var summary: String
    /// The keys of the component's `config`.
    public var config: ObjectShape
    /// Worked examples; each is executed by the test suite.
    public var examples: [ComponentExample]
    /// Named shapes that ``config`` refers to with ``Shape/reference(_:)`` (a filter's
    /// recursive `condition`); names are shared by all components, so pick specific ones.
    public var definitions: [String: Shape]

    public init(summary: String, config: ObjectShape, examples: [ComponentExample], definitions: [String: Shape] = [:]) {
        self.summary = summary
        self.config = config
        self.examples = examples
        self.definitions = definitions
    }
}

/// A component's config with what goes in and what comes out, run by the test suite.
///
/// - A transform turns ``input`` records into ``output`` records.
/// - A source reads ``files`` (or, for a database source, a table loaded with ``input``)
///   and yields ``output`` records.
/// - A target writes ``input`` records; ``writes`` holds the files it leaves (for file
///   targets), or ``output`` the rows read back from it (for database targets).
public struct ComponentExample: Sendable {
    /// A few words on what the example shows.
    public var title: String
    /// The component's `config`, as JSON. `{dir}` stands for the directory the example's
    /// files are written to.
    public var config: String
    /// Input records, as a JSON array.
    public var input: String?
    /// Output records, as a JSON array, in order.
    public var output: String?
    /// Files present before the run, by name under `{dir}`.
    public var files: [String: String]
    /// Files the run leaves, by name under `{dir}`, with their exact content.
    public var writes: [String: String]

    public init(
        _ title: String, config: String, input: String? = nil, output: String? = nil, files: [String: String] = [:],
        writes: [String: String] = [:]
    ) {
        self.title = title
        self.config = config
        self.input = input
        self.output = output
        self.files = files
        self.writes = writes
    }
}

/// The three kinds of component a job names.
public enum ComponentKind: String, Sendable, CaseIterable, Codable {
    case source, transform, target
}

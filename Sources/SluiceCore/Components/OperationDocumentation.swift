/// What the reference page says about an operation, with examples that a test runs through
/// the engine, so the page cannot drift from what the code does.
public struct OperationDocumentation: Sendable {
    /// One paragraph: what the operation does and its config fields.
    public var summary: String
    /// Worked examples; each is executed by the test suite.
    public var examples: [OperationExample]

    public init(summary: String, examples: [OperationExample]) {
        self.summary = summary
        self.examples = examples
    }
}

/// A step config with input records and the records the step outputs.
public struct OperationExample: Sendable {
    /// A few words on what the example shows.
    public var title: String
    /// The step's `config`, as JSON.
    public var config: String
    /// The input records, as a JSON array.
    public var input: String
    /// The output records, as a JSON array, in output order.
    public var output: String
    /// Files the example reads (a join's lookup data) by name; `{dir}` in `config` is the
    /// directory they are written to.
    public var files: [String: String]

    public init(_ title: String, config: String, input: String, output: String, files: [String: String] = [:]) {
        self.title = title
        self.config = config
        self.input = input
        self.output = output
        self.files = files
    }
}

/// A transform with a reference entry.
public protocol DocumentedTransform: Transform {
    /// The reference entry.
    static var documentation: OperationDocumentation { get }
}

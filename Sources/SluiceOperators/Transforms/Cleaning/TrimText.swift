import SluiceCore

/// Removes leading and trailing whitespace from text: `{"fields": ["name"]}`, or every
/// text field when `fields` is left out.
///
/// Whitespace is Unicode's `White_Space` (space, tab, line breaks, no-break space, the
/// ideographic space, …). DuckDB's `trim()` removes spaces and the Unicode space separators
/// but keeps tabs and line breaks; Sluice removes those too. Non-text values are left alone.
public struct TrimText: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "trim"

    /// The `config` object of a trim step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields to trim; every text field when `nil`.
        public var fields: [String]?

        /// A config trimming `fields`.
        public init(fields: [String]? = nil) {
            self.fields = fields
        }
    }

    /// The fields trimmed; every text field when `nil`.
    public let fields: [String]?

    /// Builds the step; throws ``SpecError`` at `fields` when the list is empty or repeats a name.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        fields = try TextFieldsConfig.checked(config.fields)
    }

    /// The batch with its text trimmed.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        BatchResult(batch: TextCells.rewrite(batch, fields: fields, Self.trim))
    }

    /// Appends `input` without its surrounding whitespace to `output`.
    static func trim(_ input: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) {
        var start = 0
        var end = input.count
        while start < end {
            let byte = input[start]
            if byte < 0x80 {
                guard TextCells.isASCIISpace(byte) else { break }
                start += 1
            } else {
                guard let (scalar, length) = TextCells.scalar(in: input, at: start), scalar.properties.isWhitespace else { break }
                start += length
            }
        }
        while end > start {
            let byte = input[end - 1]
            if byte < 0x80 {
                guard TextCells.isASCIISpace(byte) else { break }
                end -= 1
            } else {
                let scalarStart = TextCells.scalarStart(in: input, before: end, floor: start)
                guard let (scalar, length) = TextCells.scalar(in: input, at: scalarStart), scalarStart + length == end,
                    scalar.properties.isWhitespace
                else { break }
                end = scalarStart
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<end]))
    }

    /// Trimmed fields derive from themselves by `trim`.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        TextFieldsConfig.lineage(inputFields, fields: fields, how: "trim")
    }

    /// What follows needs: each field is rewritten in place.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }
}

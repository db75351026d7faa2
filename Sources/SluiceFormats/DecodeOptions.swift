import SluiceCore

/// Options for reading records.
public struct DecodeOptions: Sendable {
    /// Rows per emitted batch.
    public var batchSize: Int
    /// CSV: the byte that separates fields.
    public var delimiter: UInt8
    /// CSV: whether the first non-blank row names the fields; when `false` they are named
    /// `column1`, `column2`, ….
    public var hasHeader: Bool
    /// JSON: a dotted path to the records array inside a top-level object (`"data.items"`).
    /// `nil` reads a top-level array; a top-level object then yields its only
    /// array-of-objects member, or is itself the one record.
    public var recordsPath: String?
    /// Declared types by field name (from the job schema). CSV cells of these fields are typed
    /// by them instead of being inferred per cell.
    public var fieldTypes: [String: FieldType]

    /// Options with the defaults: 4096-row batches, `,` delimiter, a header row, a top-level
    /// array and no declared types. A `batchSize` below 1 is taken as 1.
    public init(
        batchSize: Int = 4096, delimiter: UInt8 = UInt8(ascii: ","), hasHeader: Bool = true,
        recordsPath: String? = nil, fieldTypes: [String: FieldType] = [:]
    ) {
        self.batchSize = max(1, batchSize)
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.recordsPath = recordsPath
        self.fieldTypes = fieldTypes
    }
}

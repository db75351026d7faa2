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
    /// array-of-objects member, or is itself the one record (always, with
    /// ``objectIsOneRecord``).
    public var recordsPath: String?
    /// JSON: whether a top-level object is always the one record, even when it has exactly
    /// one member that is an array of objects (a pushed event, not a wrapped data set).
    /// Ignored with ``recordsPath``.
    public var objectIsOneRecord: Bool
    /// Declared types by field name (from the job schema). CSV cells of these fields are typed
    /// by them instead of being inferred per cell.
    public var fieldTypes: [String: FieldType]
    /// CSV: the field names, when the header has already been read elsewhere (a block of a
    /// file decoded in parallel); no header row is expected then.
    public var columnNames: [String]?
    /// The line number of the first input byte (for blocks that start mid-file), so rows
    /// and rejections keep their line numbers in the whole file.
    public var firstLine: Int
    /// The only fields to build (projection pushdown); values of other fields are skipped
    /// with a syntax-checking scan. `nil` builds every field.
    public var projection: Set<String>?
    /// What to do with a field whose text is not valid UTF-8: refuse its record (the
    /// default) or replace each bad sequence with U+FFFD.
    public var invalidUTF8: InvalidUTF8Handling
    /// Conditions every record the job keeps must meet (all of them), from a filter right
    /// after the source. A reader may skip parts of the file they rule out; it never needs to.
    public var conditions: [FieldCondition]
    /// Whether a reader may emit dictionary-encoded text as it is stored
    /// (``Column/Storage/dictionary(_:)``, Parquet's dictionary pages) instead of plain text.
    /// Only for consumers that handle that storage; the job engine does.
    public var keepsDictionaryText: Bool

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
        self.objectIsOneRecord = false
        self.fieldTypes = fieldTypes
        self.columnNames = nil
        self.firstLine = 1
        self.projection = nil
        self.invalidUTF8 = .reject
        self.conditions = []
        self.keepsDictionaryText = false
    }
}

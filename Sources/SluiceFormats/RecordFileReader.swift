import SluiceCore

/// A reader of a file format that is not a plain byte stream (Parquet, XLSX): it reads its
/// file through a ``RandomAccessInput`` and hands out batches one at a time, holding at most
/// one unit of the file (a row group, a block of sheet rows) in memory.
///
/// A damaged file fails with ``FormatError`` naming the file and the position (byte offset,
/// row group, column, page); a value that cannot be read where the rest of its record can
/// goes to ``SourceChunk/rejected``. Row positions (``RecordBatch/positions``) are 1-based
/// record numbers in the file (for a sheet: its row numbers).
public protocol RecordFileReader: AnyObject {
    /// The fields and types the file declares (Parquet and Avro carry a schema), known once the
    /// reader is made; `nil` for formats without one.
    var declaredSchema: [FieldSchema]? { get }
    /// The next chunk of records, or `nil` at the end of the file. `SourceChunk.bytes` adds up
    /// to the file's size over the whole read.
    func next() throws -> SourceChunk?
}

/// A condition a filter right after the source places on one field, which a reader may use to
/// skip whole parts of the file whose statistics rule it out (Parquet row groups by their
/// min/max). Readers never drop single rows on it: the filter itself still runs.
public struct FieldCondition: Sendable, Equatable {
    /// How the field is compared.
    public enum Comparison: String, Sendable {
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        /// The field is null (the value is ignored).
        case isNull
        /// The field is not null (the value is ignored).
        case isNotNull
    }

    public var field: String
    public var comparison: Comparison
    public var value: Value

    public init(field: String, comparison: Comparison, value: Value = .null) {
        self.field = field
        self.comparison = comparison
        self.value = value
    }
}

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

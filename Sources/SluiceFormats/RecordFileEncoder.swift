import SluiceCore

/// A writer of a typed file format (Parquet, Avro, XLSX): unlike a text format, a value can
/// fail to fit the column type the file declares, so encoding throws.
///
/// The bytes it appends are written to the target file in order (the target keeps count, so
/// an encoder that needs offsets — Parquet's footer — counts what it appended itself). A
/// thrown ``FormatError`` fails the job and leaves the target as it was; its message names
/// the field, the record's position and what did not fit.
public protocol RecordFileEncoder {
    /// Appends what starts the file (magic bytes, a header).
    mutating func begin(into out: inout [UInt8]) throws
    /// Takes the rows of `batch`; appends finished parts (a row group, a block) or holds rows
    /// until a part is full.
    mutating func encode(_ batch: RecordBatch, into out: inout [UInt8]) throws
    /// Appends everything still held and the file's trailer (a footer, a zip directory).
    mutating func finish(into out: inout [UInt8]) throws
}

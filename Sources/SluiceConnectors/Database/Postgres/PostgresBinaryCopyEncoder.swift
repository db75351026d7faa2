import NIOCore
import SluiceCore

/// Encodes rows of a batch as `COPY … FROM STDIN (FORMAT binary)` data: the header
/// (`PGCOPY\n\377\r\n\0`, flags, header extension length), then per row the field count
/// (16 bits) and per field its length (32 bits, −1 for null) and its value in the binary
/// form of the column's type; the trailer is a field count of −1.
///
/// A value goes in binary only when that stores exactly what the text form the target
/// would otherwise send (``PostgresTextForm``) makes the column's input function store
/// (see ``PostgresBinaryCell``); when a value of the run has no such form (``accepts(_:rows:)``
/// is false) the run goes in text form instead, for the server to read or refuse. The run is
/// checked first and encoded slice by slice while it is sent, so the server parses one slice
/// while the next is encoded.
struct PostgresBinaryCopyEncoder {
    /// The fields of the batch written, in COPY column order.
    let fields: [Int]
    /// The type of each field's column.
    let types: [PostgresColumnType]
    /// Whether each row starts with its index in the batch (the ordinal `bigint` column of an
    /// upsert stage table).
    let withOrdinal: Bool

    /// Rows of the first buffer (COPY data message), encoded before the COPY starts so the
    /// server has rows to parse at once; the rest of the run follows in buffers of up to
    /// ``laterRowsPerBuffer`` rows, encoded while the server parses the first.
    static let rowsPerBuffer = 1024

    /// Rows per buffer after the first. Each buffer is one write, and each write waits for
    /// the event loop and then for the writing task to be scheduled again: few, large
    /// writes keep a loaded machine from stretching every batch by those waits.
    static let laterRowsPerBuffer = 16_384

    /// The file header: signature, flags (no OIDs), no header extension.
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]

    /// Whether every value of `rows` of `batch` has an exact binary form.
    func accepts(_ batch: RecordBatch, rows: Range<Int>) -> Bool {
        var cell = PostgresBinaryCell()
        for (index, field) in fields.enumerated() where !cell.accepts(batch.columns[field], rows: rows, as: types[index]) {
            return false
        }
        return true
    }

    /// `rows` of `batch` as the whole binary COPY data (header first, trailer last), cut into
    /// buffers as ``slices(_:)`` cuts them; nil when a value has no exact binary form.
    func encode(_ batch: RecordBatch, rows: Range<Int>) -> [ByteBuffer]? {
        var buffers: [ByteBuffer] = []
        for slice in slices(rows) {
            guard let buffer = encode(batch, rows: slice, of: rows) else { return nil }
            buffers.append(buffer)
        }
        return buffers
    }

    /// `rows` cut into slices: the first of ``rowsPerBuffer`` rows, the others of up to
    /// ``laterRowsPerBuffer`` (one empty slice when `rows` is empty).
    func slices(_ rows: Range<Int>) -> [Range<Int>] {
        guard !rows.isEmpty else { return [rows] }
        let firstEnd = min(rows.upperBound, rows.lowerBound + Self.rowsPerBuffer)
        return [rows.lowerBound..<firstEnd]
            + stride(from: firstEnd, to: rows.upperBound, by: Self.laterRowsPerBuffer).map {
                $0..<min(rows.upperBound, $0 + Self.laterRowsPerBuffer)
            }
    }

    /// The rows `slice` of the COPY of `rows` of `batch`: with the header when the slice
    /// starts `rows`, with the trailer when it ends them; nil when a value has no exact
    /// binary form.
    func encode(_ batch: RecordBatch, rows slice: Range<Int>, of rows: Range<Int>) -> ByteBuffer? {
        let columns = fields.map { batch.columns[$0] }
        var cell = PostgresBinaryCell()
        let fieldCount = Int16(truncatingIfNeeded: columns.count + (withOrdinal ? 1 : 0))
        var out: [UInt8] = []
        out.reserveCapacity(slice.count * (2 + columns.count * 16) + Self.header.count + 2)
        if slice.lowerBound == rows.lowerBound { out.append(contentsOf: Self.header) }
        for row in slice {
            PostgresBinaryCell.put(fieldCount, to: &out)
            if withOrdinal {
                PostgresBinaryCell.put(Int32(8), to: &out)
                PostgresBinaryCell.put(Int64(row), to: &out)
            }
            for (index, column) in columns.enumerated() {
                guard cell.write(column, row: row, as: types[index], to: &out) else { return nil }
            }
        }
        if slice.upperBound == rows.upperBound { PostgresBinaryCell.put(Int16(-1), to: &out) }
        return ByteBuffer(bytes: out)
    }
}

import NIOCore
import SluiceCore

/// Encodes rows of a batch as `COPY … FROM STDIN` text-format data: one line per row, cells
/// separated by tabs, `\N` for null, and backslash, tab, newline and carriage return
/// escaped. The text of each value is ``PostgresTextForm``'s, so COPY and the row-by-row
/// `INSERT` of the rejection path give a column the same text.
///
/// Typed columns (ints, doubles, bools, text) are written straight from their storage; only
/// `[Value]` columns go through `Value`.
struct PostgresCopyEncoder {
    /// The fields of the batch written, in COPY column order.
    let fields: [Int]
    /// Per field: whether its column is an array column (arrays as array literals, not JSON).
    let arrayColumns: [Bool]
    /// Whether each line starts with the row's index in the batch (the ordinal column of an
    /// upsert stage table, which orders rows with the same keys).
    let withOrdinal: Bool

    /// `rows` of `batch` as one buffer of COPY data.
    func encode(_ batch: RecordBatch, rows: Range<Int>, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: rows.count * max(16, fields.count * 12))
        var scratch: [UInt8] = []
        scratch.reserveCapacity(256)
        let columns = fields.map { batch.columns[$0] }
        for row in rows {
            if withOrdinal {
                Self.writeInt(row, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "\t"))
            }
            for (index, column) in columns.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                guard column.isPresent(row) else {
                    buffer.writeStaticString("\\N")
                    continue
                }
                switch column.storage {
                case .ints(let values): Self.writeInt(values[row], to: &buffer)
                case .bools(let values): buffer.writeStaticString(values[row] ? "true" : "false")
                case .text(let text): text.withBytes(at: row) { Self.writeEscaped($0, to: &buffer) }
                case .dictionary(let d): d.dictionary.withBytes(at: d.code(at: row)) { Self.writeEscaped($0, to: &buffer) }
                case .doubles(let values):
                    scratch.removeAll(keepingCapacity: true)
                    PostgresTextForm.appendDouble(values[row], to: &scratch)
                    buffer.writeBytes(scratch)
                case .values(let values):
                    writeValue(values[row], arrayColumn: arrayColumns[index], scratch: &scratch, to: &buffer)
                }
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }

    private func writeValue(_ value: Value, arrayColumn: Bool, scratch: inout [UInt8], to buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeStaticString("\\N")
        case .int(let i): Self.writeInt(i, to: &buffer)
        case .string(var s): s.withUTF8 { Self.writeEscaped(UnsafeRawBufferPointer($0), to: &buffer) }
        default:
            scratch.removeAll(keepingCapacity: true)
            PostgresTextForm.append(value, arrayColumn: arrayColumn, to: &scratch)
            scratch.withUnsafeBytes { Self.writeEscaped($0, to: &buffer) }
        }
    }

    /// Writes the decimal digits of `value`.
    static func writeInt(_ value: Int, to buffer: inout ByteBuffer) {
        if value >= 0, value < 10 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            repeat {
                index -= 1
                digits[index] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(digits)[index...]))
        }
    }

    /// Writes `bytes` with COPY's text escapes for backslash, newline, carriage return and tab.
    static func writeEscaped(_ bytes: UnsafeRawBufferPointer, to buffer: inout ByteBuffer) {
        var start = 0
        for (index, byte) in bytes.enumerated() {
            let escape: UInt8
            switch byte {
            case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
            case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
            case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
            default: continue
            }
            if index > start { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) }
            buffer.writeInteger(UInt8(ascii: "\\"))
            buffer.writeInteger(escape)
            start = index + 1
        }
        if start < bytes.count { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start...])) }
    }
}

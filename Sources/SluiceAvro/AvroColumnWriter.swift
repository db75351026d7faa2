// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

/// Writes one field's values from its column, straight from typed storage where the column's
/// storage matches the field's Avro type, else through ``AvroValueEncoder``.
enum AvroColumnWriter {
    case longs([Int], presence: [Column.Presence]?)
    case doubles([Double], presence: [Column.Presence]?)
    case bools([Bool], presence: [Column.Presence]?)
    case text(TextColumn, presence: [Column.Presence]?)
    case values(Column, type: AvroWriteType)
    /// The batch has no such field: every row is null.
    case missing

    /// The writer for `column` written as `type`.
    init(column: Column, type: AvroWriteType) {
        switch (column.storage, type) {
        case (.ints(let values), .long(let range)) where range == Int.min...Int.max:
            self = .longs(values, presence: column.presence)
        case (.doubles(let values), .double):
            self = .doubles(values, presence: column.presence)
        case (.bools(let values), .boolean):
            self = .bools(values, presence: column.presence)
        case (.text(let text), .string):
            self = .text(text, presence: column.presence)
        default:
            self = .values(column, type: type)
        }
    }

    /// Appends row `row`'s value (with its union branch when the field is `nullable`).
    @inline(__always)
    func write(row: Int, nullable: Bool, into out: inout [UInt8]) throws(AvroWriteError) {
        let present: Bool
        switch self {
        case .longs(_, let presence), .doubles(_, let presence), .bools(_, let presence), .text(_, let presence):
            present = presence.map { $0[row] == .present } ?? true
        case .values(let column, _): present = column.isPresent(row) && !column.value(at: row).isNull
        case .missing: present = false
        }
        guard present else {
            guard nullable else { throw AvroWriteError("null is not allowed: the field is declared not nullable") }
            out.append(0)
            return
        }
        if nullable { out.append(2) }
        switch self {
        case .longs(let values, _): AvroBinaryWriter.appendLong(values[row], to: &out)
        case .doubles(let values, _): AvroBinaryWriter.appendDouble(values[row], to: &out)
        case .bools(let values, _): out.append(values[row] ? 1 : 0)
        case .text(let text, _): text.withBytes(at: row) { AvroBinaryWriter.appendBytes($0, to: &out) }
        case .values(let column, let type): try AvroValueEncoder.encode(column.value(at: row), as: type, into: &out, depth: 0)
        case .missing: break
        }
    }
}

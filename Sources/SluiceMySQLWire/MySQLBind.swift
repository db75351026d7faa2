import NIOCore
import SluiceCore

/// A parameter value of a prepared statement, sent in the binary protocol.
public enum MySQLBind: Sendable, Equatable {
    /// SQL NULL (MYSQL_TYPE_NULL; only a bit in the statement's NULL bitmap).
    case null
    /// A signed 64-bit integer (MYSQL_TYPE_LONGLONG).
    case int(Int64)
    /// A double (MYSQL_TYPE_DOUBLE).
    case double(Double)
    /// Text in UTF-8 (MYSQL_TYPE_STRING).
    case text(String)
    /// Bytes (MYSQL_TYPE_BLOB).
    case bytes([UInt8])
    /// A date and time with microseconds (MYSQL_TYPE_DATETIME), in the session's time zone
    /// (UTC for Sluice's connections).
    case datetime(Timestamp)

    var typeCode: MySQLType {
        switch self {
        case .null: return .null
        case .int: return .longlong
        case .double: return .double
        case .text: return .string
        case .bytes: return .blob
        case .datetime: return .datetime
        }
    }

    /// About how many bytes the value takes on the wire.
    public var wireSize: Int {
        switch self {
        case .null: return 0
        case .int, .double: return 8
        case .text(let s): return s.utf8.count + 9
        case .bytes(let b): return b.count + 9
        case .datetime: return 12
        }
    }

    /// Appends the value's binary encoding (nothing for NULL).
    func write(into out: inout ByteBuffer) {
        switch self {
        case .null: break
        case .int(let i): out.writeInteger(i, endianness: .little)
        case .double(let d): out.writeInteger(d.bitPattern, endianness: .little)
        case .text(let s): out.writeMySQLLengthEncodedString(s)
        case .bytes(let b): out.writeMySQLLengthEncodedBytes(b)
        case .datetime(let t):
            let c = t.civil
            out.writeInteger(UInt8(11))
            out.writeInteger(UInt16(clamping: c.year), endianness: .little)
            out.writeInteger(UInt8(c.month))
            out.writeInteger(UInt8(c.day))
            out.writeInteger(UInt8(c.hour))
            out.writeInteger(UInt8(c.minute))
            out.writeInteger(UInt8(c.second))
            out.writeInteger(UInt32(c.microsecond), endianness: .little)
        }
    }
}

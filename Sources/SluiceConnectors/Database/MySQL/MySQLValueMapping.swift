import NIOCore
import SluiceCore
import SluiceMySQLWire

/// How MySQL and MariaDB values become Sluice values and back.
///
/// Reading (text protocol), by the column's type:
/// - TINYINT(1) and BOOL/BOOLEAN → bool for stored 0 and 1 (another value keeps its int);
///   other integer types → int; BIGINT UNSIGNED above `Int.max` → its exact decimal text
///   as a string.
/// - DECIMAL/NUMERIC → int when the value is whole and fits `Int`; else double when the
///   double's shortest text is the same decimal number (`1.5`, `0.1`); else the exact
///   decimal text as a string (`12345678901234567890.0123456789`) — never a silently
///   rounded double. Trailing zeros are not part of the value (`2.50` reads as 2.5).
/// - FLOAT, DOUBLE → double.
/// - DATE, DATETIME, TIMESTAMP → timestamp. A DATE is midnight UTC; DATETIME has no zone
///   and is read as UTC; TIMESTAMP is UTC because Sluice's sessions set
///   `time_zone = '+00:00'`. Zero dates (`0000-00-00`) stay strings.
/// - TIME → string (`-12:30:00.5`); YEAR → int.
/// - CHAR, VARCHAR, TEXT, ENUM, SET → string.
/// - JSON (MySQL's type 245, or MariaDB's LONGTEXT marked `json` in the extended column
///   metadata) → the parsed object, array or scalar (the text when it does not parse).
/// - BINARY, VARBINARY, BLOB and other bytes (the `binary` character set) → base64 text.
/// - BIT → int (big-endian bytes).
/// - NULL → null.
///
/// Writing (prepared-statement parameters): int → BIGINT, double → DOUBLE, bool → 1/0,
/// string → text, timestamp → DATETIME with microseconds in UTC, array and object →
/// compact JSON text, null → NULL.
public enum MySQLValueMapping {
    /// What a column's cells become.
    enum Kind: Sendable, Equatable {
        case bool, int, unsignedInt, decimal, double, timestamp, year, text, json, binary, bit, null
    }

    /// The kind of a result column.
    static func kind(of column: MySQLColumn) -> Kind {
        if column.type == .json || column.extendedFormat?.lowercased() == "json" { return .json }
        switch column.type {
        case .tiny: return column.length == 1 && !column.isUnsigned ? .bool : .int
        case .short, .long, .int24: return .int
        case .longlong: return column.isUnsigned ? .unsignedInt : .int
        case .decimal, .newdecimal: return .decimal
        case .float, .double: return .double
        case .date, .newdate, .datetime, .datetime2, .timestamp, .timestamp2: return .timestamp
        case .year: return .year
        case .bit: return .bit
        case .null: return .null
        case .time, .time2, .enumeration, .set: return .text
        default: return column.isBinary ? .binary : .text
        }
    }

    /// Appends the value of one cell (`nil` for NULL).
    static func append(_ cell: ByteBuffer?, kind: Kind, to builder: inout ColumnBuilder) {
        guard let cell else {
            builder.appendNull()
            return
        }
        switch kind {
        case .text:
            cell.withUnsafeReadableBytes { builder.appendText($0) }
        case .int, .year:
            if let value = integer(cell) { builder.appendInt(value) } else { builder.appendString(String(buffer: cell)) }
        case .unsignedInt:
            if let value = integer(cell) { builder.appendInt(value) } else { builder.appendString(String(buffer: cell)) }
        case .bool:
            switch integer(cell) {
            case 0?: builder.appendBool(false)
            case 1?: builder.appendBool(true)
            case let other?: builder.appendInt(other)
            case nil: builder.appendString(String(buffer: cell))
            }
        case .decimal:
            switch cell.withUnsafeReadableBytes({ MySQLDecimalText.value(bytes: $0) }) {
            case .int(let i): builder.appendInt(i)
            case .double(let d): builder.appendDouble(d)
            case .text(let t): builder.appendString(t)
            }
        case .double:
            let text = String(buffer: cell)
            if let value = Double(text) { builder.appendDouble(value) } else { builder.appendString(text) }
        case .timestamp:
            let parsed = cell.withUnsafeReadableBytes { raw in
                Timestamp.parse(UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: raw.count))
            }
            if let parsed { builder.append(.timestamp(parsed)) } else { builder.appendString(String(buffer: cell)) }
        case .json:
            let parsed = cell.withUnsafeReadableBytes { try? JSONParser.parse($0) }
            builder.append(parsed ?? .string(String(buffer: cell)))
        case .binary:
            builder.appendString(Base64.encode(cell.readableBytesView))
        case .bit:
            var value: UInt64 = 0
            for byte in cell.readableBytesView { value = value << 8 | UInt64(byte) }
            if value <= UInt64(Int.max) { builder.appendInt(Int(value)) } else { builder.appendString(String(value)) }
        case .null:
            builder.appendNull()
        }
    }

    /// The integer of ASCII decimal text (`-12`), `nil` when it is not one or does not fit `Int`.
    static func integer(_ cell: ByteBuffer) -> Int? {
        cell.withUnsafeReadableBytes { bytes -> Int? in
            guard !bytes.isEmpty else { return nil }
            var index = 0
            let negative = bytes[0] == UInt8(ascii: "-")
            if negative || bytes[0] == UInt8(ascii: "+") { index = 1 }
            guard index < bytes.count else { return nil }
            var value = 0
            while index < bytes.count {
                let digit = Int(bytes[index]) - 48
                guard digit >= 0, digit <= 9 else { return nil }
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
                guard !o1, !o2 else { return nil }
                value = next
                index += 1
            }
            return value
        }
    }

    /// The parameter bound for a Sluice value.
    static func bind(_ value: Value) -> MySQLBind {
        switch value {
        case .null: return .null
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(Int64(i))
        case .double(let d): return .double(d)
        case .string(let s): return .text(s)
        case .timestamp(let t): return .datetime(t)
        case .array, .object: return .text(JSONText.string(value))
        }
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the DATETIME(6) text of a timestamp.
    static func datetimeText(_ t: Timestamp) -> String {
        // ISO 8601 with microseconds: 2024-01-02T03:04:05.123456Z (or .123Z).
        let iso = t.iso8601
        var text = String(iso.map { $0 == "T" ? " " : $0 })
        text.removeLast()  // Z
        return text
    }

    /// The column type Sluice creates for a column kind; `key` columns that would be text
    /// get VARCHAR(255), since InnoDB cannot index all of a LONGTEXT.
    static func columnType(_ kind: DatabaseColumnKind, key: Bool) -> String {
        switch kind {
        case .integer: return "BIGINT"
        case .real: return "DOUBLE"
        case .text, .json: return key ? "VARCHAR(255)" : (kind == .json ? "JSON" : "LONGTEXT")
        case .boolean: return "BOOLEAN"
        case .timestamp: return "DATETIME(6)"
        case .decimal(let precision, let scale):
            // MySQL's DECIMAL holds at most 65 digits, 30 after the point: wider ones are kept
            // exactly as text.
            return precision <= 65 && scale <= 30 ? "DECIMAL(\(precision),\(scale))" : key ? "VARCHAR(255)" : "LONGTEXT"
        }
    }
}

import SQLiteNIO
import SluiceCore

/// How SQLite values become Sluice values and back.
///
/// Reading, by storage class: INTEGER → int, REAL → double, TEXT → string, BLOB → the
/// base64 text of its bytes (standard alphabet, `=` padding), NULL → null. The column's
/// declared type then refines (see ``DeclaredColumnType``): BOOLEAN with stored 0 or 1 →
/// false / true; DATE, DATETIME, TIMESTAMP with TEXT that is an ISO 8601 date or date-time
/// → timestamp; JSON with TEXT that parses as JSON → the parsed value. A stored value that
/// does not match (BOOLEAN 2, DATE 'soon', JSON 'x') keeps its storage-class mapping.
///
/// Writing: int → INTEGER, double → REAL, string → TEXT, bool → INTEGER 0/1, timestamp →
/// TEXT in ISO 8601 UTC (`2024-01-02T03:04:05.000Z`), array and object → TEXT holding
/// compact JSON, null → NULL.
enum SQLiteValueMapping {
    /// The Sluice value of a stored SQLite value in a column declared as `declared`.
    static func value(_ data: SQLiteData, declared: DeclaredColumnType) -> Value {
        switch (data, declared) {
        case (.integer(let i), .boolean) where i == 0 || i == 1: return .bool(i == 1)
        case (.text(let text), .timestamp):
            if let timestamp = Timestamp(iso8601: text) { return .timestamp(timestamp) }
            return .string(text)
        case (.text(let text), .json):
            if let parsed = try? JSONParser.parse(text) { return parsed }
            return .string(text)
        case (.integer(let i), _): return .int(Int(i))
        case (.float(let d), _): return .double(d)
        case (.text(let text), _): return .string(text)
        case (.blob(let buffer), _): return .string(Base64.encode(buffer.readableBytesView))
        case (.null, _): return .null
        }
    }

    /// The SQLite value bound for a Sluice value.
    static func data(_ value: Value) -> SQLiteData {
        switch value {
        case .null: return .null
        case .bool(let b): return .integer(b ? 1 : 0)
        case .int(let i): return .integer(SQLiteInt64(i))
        case .double(let d): return .float(d)
        case .string(let s): return .text(s)
        case .timestamp(let t): return .text(t.iso8601)
        case .array, .object: return .text(JSONText.string(value))
        }
    }

    /// About how many bytes a bound value carries (for byte counters).
    static func size(_ data: SQLiteData) -> Int {
        switch data {
        case .null: return 1
        case .integer, .float: return 8
        case .text(let s): return s.utf8.count
        case .blob(let b): return b.readableBytes
        }
    }

    /// The declared SQLite column type Sluice creates for a column kind.
    ///
    /// BOOLEAN, DATETIME and JSON have NUMERIC affinity in SQLite, which keeps 0/1 integers,
    /// ISO 8601 text and JSON text as written; the names let a ``SQLiteSource`` give back
    /// booleans, timestamps and parsed JSON.
    static func declaredType(_ kind: DatabaseColumnKind) -> String {
        switch kind {
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .text: return "TEXT"
        case .boolean: return "BOOLEAN"
        case .timestamp: return "DATETIME"
        case .json: return "JSON"
        case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
        }
    }
}

/// The type a self-describing file (Parquet, Avro) or a table declares for a field: what the
/// values mean beyond how Sluice stores them, so a writer can keep it (a `decimal(12,2)` stays
/// one from Parquet to Parquet or to a PostgreSQL table created from the data).
///
/// How values of each type are held (``Value``):
/// - integers → `.int` (an unsigned 64-bit value above `Int.max` → its decimal text);
/// - floats → `.double`;
/// - decimals → `.int` when integral and within `Int`, else `.double` when the double's
///   shortest text is the same decimal, else the exact decimal text — never a silent rounding;
/// - strings and enum symbols → `.string`;
/// - binary and fixed-length binary → standard base64 text, as database `bytea` columns are;
/// - UUIDs → lower-case canonical text (`8-4-4-4-12` hex digits);
/// - dates → `.timestamp` at midnight UTC; times of day → text `HH:MM:SS[.ffffff]`;
/// - timestamps → `.timestamp` (microsecond precision: nanoseconds are floored);
/// - lists → `.array`; structs → `.object`; maps with text keys → `.object`, other maps → an
///   array of `{"key": …, "value": …}` objects;
/// - JSON → the parsed value.
public indirect enum LogicalType: Sendable, Hashable {
    case boolean
    /// A signed (or, with `signed: false`, unsigned) integer of 8, 16, 32 or 64 bits.
    case integer(bits: Int, signed: Bool)
    /// A binary floating-point number of 16, 32 or 64 bits.
    case float(bits: Int)
    /// An exact decimal with `precision` digits, `scale` of them after the point.
    case decimal(precision: Int, scale: Int)
    case string
    case binary
    case fixedBinary(length: Int)
    case uuid
    case json
    case date
    case time(unit: TimeUnit)
    /// A point in time; `utc` is false for a local date-time without a zone.
    case timestamp(unit: TimeUnit, utc: Bool)
    case list(element: FieldSchema)
    case structure(fields: [FieldSchema])
    case map(key: FieldSchema, value: FieldSchema)
    case enumeration(symbols: [String])

    /// A short name for messages and lineage: `int64`, `decimal(12,2)`, `list<string>`.
    public var description: String {
        switch self {
        case .boolean: return "boolean"
        case .integer(let bits, let signed): return signed ? "int\(bits)" : "uint\(bits)"
        case .float(let bits): return bits == 64 ? "double" : bits == 32 ? "float" : "float\(bits)"
        case .decimal(let precision, let scale): return "decimal(\(precision),\(scale))"
        case .string: return "string"
        case .binary: return "binary"
        case .fixedBinary(let length): return "fixed(\(length))"
        case .uuid: return "uuid"
        case .json: return "json"
        case .date: return "date"
        case .time(let unit): return "time(\(unit.rawValue))"
        case .timestamp(let unit, let utc): return utc ? "timestamptz(\(unit.rawValue))" : "timestamp(\(unit.rawValue))"
        case .list(let element): return "list<\(element.type.description)>"
        case .structure(let fields): return "struct<\(fields.map { "\($0.name): \($0.type.description)" }.joined(separator: ", "))>"
        case .map(let key, let value): return "map<\(key.type.description), \(value.type.description)>"
        case .enumeration(let symbols): return "enum(\(symbols.joined(separator: ", ")))"
        }
    }
}

/// The unit of a time or timestamp.
public enum TimeUnit: String, Sendable, Hashable, CaseIterable {
    case millis, micros, nanos
}

/// One field a file or table declares: its name, type and whether it may be null.
public struct FieldSchema: Sendable, Hashable {
    public var name: String
    public var type: LogicalType
    public var nullable: Bool

    public init(name: String, type: LogicalType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

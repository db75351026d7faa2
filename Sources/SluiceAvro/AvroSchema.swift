// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// A parsed Avro schema: every type node in one table, addressed by index, so named types can
/// refer to each other (and a record to itself) without reference cycles between values.
struct AvroSchema: Sendable {
    /// All type nodes; `root` and the nodes' children are indices into it.
    var nodes: [AvroNode]
    /// The index of the top-level type.
    var root: Int

    /// The node at `index`.
    @inline(__always) subscript(index: Int) -> AvroNode { nodes[index] }
}

/// One Avro type, with its logical type when it has a valid one.
struct AvroNode: Sendable {
    /// The Avro type itself.
    var kind: AvroKind
    /// The logical type, `nil` when there is none or the annotation was invalid or unknown
    /// (the spec says to fall back to the underlying type then).
    var logical: AvroLogicalType?
    /// The fewest bytes a value of this type takes (0 for `null`, a field-less record, a
    /// zero-length fixed); bounds item counts read from the file.
    var minimumSize: Int = 0
}

/// The Avro types.
enum AvroKind: Sendable {
    case null, boolean, int, long, float, double, bytes, string
    /// A record: its full name and fields in order.
    case record(name: String, fields: [AvroField])
    /// An enum: its full name and symbols.
    case enumeration(name: String, symbols: [String])
    /// An array of the node at `items`.
    case array(items: Int)
    /// A map from strings to the node at `values`.
    case map(values: Int)
    /// A union of the nodes at `branches`.
    case union(branches: [Int])
    /// A fixed-size byte string: its full name and size.
    case fixed(name: String, size: Int)

    /// The Avro name of the type, for messages.
    var name: String {
        switch self {
        case .null: return "null"
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .bytes: return "bytes"
        case .string: return "string"
        case .record(let name, _): return "record \(name)"
        case .enumeration(let name, _): return "enum \(name)"
        case .array: return "array"
        case .map: return "map"
        case .union: return "union"
        case .fixed(let name, let size): return "fixed \(name)(\(size))"
        }
    }
}

/// A field of a record.
struct AvroField: Sendable {
    var name: String
    /// The index of the field's type node.
    var type: Int
}

/// The logical types of the Avro 1.11 specification (plus the nanosecond timestamps of 1.12).
enum AvroLogicalType: Sendable, Equatable {
    /// A decimal on `bytes` or `fixed`: a big-endian two's-complement unscaled integer.
    case decimal(precision: Int, scale: Int)
    /// A UUID on `string` (its text) or `fixed(16)` (its bytes).
    case uuid
    /// Days since 1970-01-01 on `int`.
    case date
    /// Milliseconds after midnight on `int`.
    case timeMillis
    /// Microseconds after midnight on `long`.
    case timeMicros
    /// An instant (`utc`) or a local date-time (not `utc`) on `long`, in `unit`s since the epoch.
    case timestamp(unit: TimestampUnit, utc: Bool)
    /// Months, days and milliseconds, three little-endian unsigned 32-bit integers on `fixed(12)`.
    case duration

    /// The unit of a timestamp.
    enum TimestampUnit: Sendable, Equatable {
        case millis, micros, nanos
    }
}

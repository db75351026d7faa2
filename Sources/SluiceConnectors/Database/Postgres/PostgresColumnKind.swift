import PostgresNIO

/// How the source decodes one result column, chosen once per column from its type OID.
///
/// PostgresNIO asks for every result column in binary form; these are the types whose
/// binary form the source decodes itself. A column of any other type (time, interval, inet,
/// an enum, citext, money …) is cast to `text` in the query, and an array of such a type to
/// `text[]`, so it arrives as PostgreSQL's own text form.
enum PostgresColumnKind: Sendable, Equatable {
    case int2, int4, int8, oid, float4, float8, numeric, bool
    /// text, varchar, bpchar, name, unknown, and columns cast to text.
    case text
    /// The one-byte `"char"`.
    case char
    case json, jsonb, uuid, date, timestamp, timestamptz, bytea
    /// A (possibly multi-dimensional) array whose element type is one of the above.
    case array

    /// The kind for a scalar or array type OID, nil when the source casts it to text.
    init?(oid: UInt32) {
        switch oid {
        case 16: self = .bool
        case 17: self = .bytea
        case 18: self = .char
        case 19, 25, 705, 1042, 1043: self = .text
        case 20: self = .int8
        case 21: self = .int2
        case 23: self = .int4
        case 26: self = .oid
        case 114: self = .json
        case 700: self = .float4
        case 701: self = .float8
        case 1082: self = .date
        case 1114: self = .timestamp
        case 1184: self = .timestamptz
        case 1700: self = .numeric
        case 2950: self = .uuid
        case 3802: self = .jsonb
        case 199, 1000, 1001, 1002, 1003, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1028, 1115, 1182, 1185, 1231,
            2951, 3807:
            self = .array
        default: return nil
        }
    }
}

/// A target column type whose binary form (its type's `send`/`recv` format) the target
/// writes itself in a binary `COPY` (see ``PostgresBinaryCopyEncoder``). A column of any
/// other type (a domain, an enum, an array, `inet`, `interval` …) makes the rows go in text
/// form, as the server's input functions read them.
enum PostgresColumnType: Sendable, Equatable {
    case int2, int4, int8, float4, float8, numeric, bool
    /// `text`, `varchar` and `bpchar`: the bytes of the text (the server applies the length).
    case text
    case date, timestamp, timestamptz, json, jsonb, uuid, bytea

    /// The type of a column whose type OID is `oid`, nil when it has no binary encoder.
    init?(oid: UInt32) {
        switch oid {
        case 16: self = .bool
        case 17: self = .bytea
        case 20: self = .int8
        case 21: self = .int2
        case 23: self = .int4
        case 25, 1042, 1043: self = .text
        case 114: self = .json
        case 700: self = .float4
        case 701: self = .float8
        case 1082: self = .date
        case 1114: self = .timestamp
        case 1184: self = .timestamptz
        case 1700: self = .numeric
        case 2950: self = .uuid
        case 3802: self = .jsonb
        default: return nil
        }
    }

    /// The type of a column the target creates for `kind` (see ``PostgresStatements/columnType(_:)``).
    init(created kind: DatabaseColumnKind) {
        switch kind {
        case .integer: self = .int8
        case .real: self = .float8
        case .text: self = .text
        case .boolean: self = .bool
        case .timestamp: self = .timestamptz
        case .json: self = .jsonb
        case .decimal: self = .numeric
        }
    }
}

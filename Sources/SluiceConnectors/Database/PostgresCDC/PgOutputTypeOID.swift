/// The object ids of the built-in PostgreSQL types whose text form ``PgOutputTextValue``
/// converts (`pg_type.oid`, fixed across versions); every other type is kept as text.
enum PgOutputTypeOID {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let oid: UInt32 = 26
    static let json: UInt32 = 114
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let date: UInt32 = 1082
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let numeric: UInt32 = 1700
    static let jsonb: UInt32 = 3802

    /// The element type of the built-in array types of the types above and of the common
    /// text-like types (`text[]`, `varchar[]`, `uuid[]`, …), by array type oid.
    static let arrayElements: [UInt32: UInt32] = [
        1000: bool, 1001: bytea, 1016: int8, 1005: int2, 1007: int4, 1028: oid, 199: json,
        1021: float4, 1022: float8, 1182: date, 1115: timestamp, 1185: timestamptz, 1231: numeric, 3807: jsonb,
        // Kept as text elements: text, varchar, bpchar, name, uuid, time, timetz, interval.
        1009: 25, 1015: 1043, 1014: 1042, 1003: 19, 2951: 2950, 1183: 1083, 1270: 1266, 1187: 1186,
    ]
}

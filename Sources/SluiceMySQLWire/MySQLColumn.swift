import NIOCore

/// A column type code of the protocol (`enum_field_types`).
public struct MySQLType: RawRepresentable, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let decimal = MySQLType(rawValue: 0)
    public static let tiny = MySQLType(rawValue: 1)
    public static let short = MySQLType(rawValue: 2)
    public static let long = MySQLType(rawValue: 3)
    public static let float = MySQLType(rawValue: 4)
    public static let double = MySQLType(rawValue: 5)
    public static let null = MySQLType(rawValue: 6)
    public static let timestamp = MySQLType(rawValue: 7)
    public static let longlong = MySQLType(rawValue: 8)
    public static let int24 = MySQLType(rawValue: 9)
    public static let date = MySQLType(rawValue: 10)
    public static let time = MySQLType(rawValue: 11)
    public static let datetime = MySQLType(rawValue: 12)
    public static let year = MySQLType(rawValue: 13)
    public static let newdate = MySQLType(rawValue: 14)
    public static let varchar = MySQLType(rawValue: 15)
    public static let bit = MySQLType(rawValue: 16)
    public static let timestamp2 = MySQLType(rawValue: 17)
    public static let datetime2 = MySQLType(rawValue: 18)
    public static let time2 = MySQLType(rawValue: 19)
    public static let json = MySQLType(rawValue: 245)
    public static let newdecimal = MySQLType(rawValue: 246)
    public static let enumeration = MySQLType(rawValue: 247)
    public static let set = MySQLType(rawValue: 248)
    public static let tinyBlob = MySQLType(rawValue: 249)
    public static let mediumBlob = MySQLType(rawValue: 250)
    public static let longBlob = MySQLType(rawValue: 251)
    public static let blob = MySQLType(rawValue: 252)
    public static let varString = MySQLType(rawValue: 253)
    public static let string = MySQLType(rawValue: 254)
    public static let geometry = MySQLType(rawValue: 255)
}

/// One column of a result set (Protocol::ColumnDefinition41).
public struct MySQLColumn: Sendable, Equatable {
    /// The column's name or alias as the result names it.
    public var name: String
    /// The table (alias) it comes from, empty for expressions.
    public var table: String
    /// The character set (collation id) of its text; 63 is `binary`.
    public var characterSet: UInt16
    /// The maximum display length.
    public var length: UInt32
    /// The protocol type code.
    public var type: MySQLType
    /// Column flags (`NOT NULL`, `UNSIGNED`, `BINARY`, …).
    public var flags: UInt16
    /// Digits after the decimal point (DECIMAL scale, fractional seconds).
    public var decimals: UInt8
    /// MariaDB's extended type name (`json` for a JSON column, which it stores as LONGTEXT).
    public var extendedFormat: String?

    /// The `binary` character set: the column holds bytes, not text.
    public static let binaryCharacterSet: UInt16 = 63
    public static let unsignedFlag: UInt16 = 0x20

    /// Whether the integer type is UNSIGNED.
    public var isUnsigned: Bool { flags & Self.unsignedFlag != 0 }
    /// Whether the column holds bytes (character set `binary`).
    public var isBinary: Bool { characterSet == Self.binaryCharacterSet }

    /// A column definition with the given parts.
    public init(
        name: String, table: String = "", characterSet: UInt16, length: UInt32, type: MySQLType, flags: UInt16, decimals: UInt8,
        extendedFormat: String? = nil
    ) {
        self.name = name
        self.table = table
        self.characterSet = characterSet
        self.length = length
        self.type = type
        self.flags = flags
        self.decimals = decimals
        self.extendedFormat = extendedFormat
    }

    /// Parses a column definition; `extendedMetadata` says whether MariaDB's extended type
    /// information is in it (both sides set ``MySQLCapabilities/mariaDBExtendedMetadata``).
    public init(parsing payload: ByteBuffer, extendedMetadata: Bool) throws(MySQLError) {
        var buffer = payload
        guard buffer.readMySQLLengthEncodedSlice() != nil,  // catalog
            buffer.readMySQLLengthEncodedSlice() != nil,  // schema
            let table = buffer.readMySQLLengthEncodedString(),
            buffer.readMySQLLengthEncodedSlice() != nil,  // original table
            let name = buffer.readMySQLLengthEncodedString(),
            buffer.readMySQLLengthEncodedSlice() != nil  // original name
        else { throw .protocolViolation("malformed column definition") }
        var format: String?
        if extendedMetadata, var extended = buffer.readMySQLLengthEncodedSlice() {
            while let key = extended.readInteger(as: UInt8.self), let value = extended.readMySQLLengthEncodedString() {
                if key == 1 || (key == 0 && format == nil) { format = value }
            }
        }
        guard buffer.readMySQLLengthEncodedInteger() != nil,
            let charset = buffer.readInteger(endianness: .little, as: UInt16.self),
            let length = buffer.readInteger(endianness: .little, as: UInt32.self),
            let type = buffer.readInteger(as: UInt8.self),
            let flags = buffer.readInteger(endianness: .little, as: UInt16.self),
            let decimals = buffer.readInteger(as: UInt8.self)
        else { throw .protocolViolation("malformed column definition") }
        self.init(
            name: name, table: table, characterSet: charset, length: length, type: MySQLType(rawValue: type), flags: flags,
            decimals: decimals, extendedFormat: format)
    }
}

/// Capability flags of the client/server protocol. The low 32 bits are MySQL's; MariaDB
/// adds bits 32–63, exchanged in bytes that MySQL leaves as filler, and only when the
/// server does not set ``clientMySQL`` (it is then a MariaDB server).
public struct MySQLCapabilities: OptionSet, Sendable, Hashable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// MySQL's `CLIENT_LONG_PASSWORD`; MariaDB reads a server that does not set it as MariaDB.
    public static let clientMySQL = MySQLCapabilities(rawValue: 1)
    public static let foundRows = MySQLCapabilities(rawValue: 1 << 1)
    public static let longFlag = MySQLCapabilities(rawValue: 1 << 2)
    public static let connectWithDB = MySQLCapabilities(rawValue: 1 << 3)
    public static let localFiles = MySQLCapabilities(rawValue: 1 << 7)
    public static let protocol41 = MySQLCapabilities(rawValue: 1 << 9)
    public static let ssl = MySQLCapabilities(rawValue: 1 << 11)
    public static let transactions = MySQLCapabilities(rawValue: 1 << 13)
    public static let secureConnection = MySQLCapabilities(rawValue: 1 << 15)
    public static let multiStatements = MySQLCapabilities(rawValue: 1 << 16)
    public static let multiResults = MySQLCapabilities(rawValue: 1 << 17)
    public static let psMultiResults = MySQLCapabilities(rawValue: 1 << 18)
    public static let pluginAuth = MySQLCapabilities(rawValue: 1 << 19)
    public static let connectAttributes = MySQLCapabilities(rawValue: 1 << 20)
    public static let pluginAuthLengthEncodedClientData = MySQLCapabilities(rawValue: 1 << 21)
    public static let deprecateEOF = MySQLCapabilities(rawValue: 1 << 24)
    /// MariaDB: column definitions carry the extended type name and format (`json`).
    public static let mariaDBExtendedMetadata = MySQLCapabilities(rawValue: 1 << 35)

    /// What the server must offer: protocol 4.1 with secure (nonce-based) plugin authentication.
    static let required: MySQLCapabilities = [.protocol41, .secureConnection, .pluginAuth]
    /// What this client uses when the server offers it.
    static let wanted: MySQLCapabilities = [
        .clientMySQL, .longFlag, .protocol41, .secureConnection, .pluginAuth, .pluginAuthLengthEncodedClientData,
        .transactions, .multiResults, .psMultiResults, .deprecateEOF, .mariaDBExtendedMetadata,
    ]
}

/// Capability flags of the client/server protocol. The low 32 bits are MySQL's; MariaDB
/// adds bits 32–63, exchanged in bytes that MySQL leaves as filler, and only when the
/// server does not set ``clientMySQL`` (it is then a MariaDB server).
struct MySQLCapabilities: OptionSet, Sendable, Hashable {
    var rawValue: UInt64
    init(rawValue: UInt64) { self.rawValue = rawValue }

    /// MySQL's `CLIENT_LONG_PASSWORD`; MariaDB reads a server that does not set it as MariaDB.
    static let clientMySQL = MySQLCapabilities(rawValue: 1)
    static let foundRows = MySQLCapabilities(rawValue: 1 << 1)
    static let longFlag = MySQLCapabilities(rawValue: 1 << 2)
    static let connectWithDB = MySQLCapabilities(rawValue: 1 << 3)
    static let localFiles = MySQLCapabilities(rawValue: 1 << 7)
    static let protocol41 = MySQLCapabilities(rawValue: 1 << 9)
    static let ssl = MySQLCapabilities(rawValue: 1 << 11)
    static let transactions = MySQLCapabilities(rawValue: 1 << 13)
    static let secureConnection = MySQLCapabilities(rawValue: 1 << 15)
    static let multiStatements = MySQLCapabilities(rawValue: 1 << 16)
    static let multiResults = MySQLCapabilities(rawValue: 1 << 17)
    static let psMultiResults = MySQLCapabilities(rawValue: 1 << 18)
    static let pluginAuth = MySQLCapabilities(rawValue: 1 << 19)
    static let connectAttributes = MySQLCapabilities(rawValue: 1 << 20)
    static let pluginAuthLengthEncodedClientData = MySQLCapabilities(rawValue: 1 << 21)
    static let deprecateEOF = MySQLCapabilities(rawValue: 1 << 24)
    /// MariaDB: column definitions carry the extended type name and format (`json`).
    static let mariaDBExtendedMetadata = MySQLCapabilities(rawValue: 1 << 35)

    /// What the server must offer: protocol 4.1 with secure (nonce-based) plugin authentication.
    static let required: MySQLCapabilities = [.protocol41, .secureConnection, .pluginAuth]
    /// What this client uses when the server offers it.
    static let wanted: MySQLCapabilities = [
        .clientMySQL, .longFlag, .protocol41, .secureConnection, .pluginAuth, .pluginAuthLengthEncodedClientData,
        .transactions, .multiResults, .psMultiResults, .deprecateEOF, .mariaDBExtendedMetadata,
    ]
}

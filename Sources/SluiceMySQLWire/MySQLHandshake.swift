import NIOCore

/// The server's first packet (Protocol::HandshakeV10).
struct MySQLHandshake: Sendable, Equatable {
    /// The server's version text (`10.11.6-MariaDB`, `8.0.36`).
    var serverVersion: String
    /// The id of the connection's thread on the server (what `KILL` takes).
    var connectionID: UInt32
    /// The 20-byte nonce ("scramble") that password plugins mix in.
    var nonce: [UInt8]
    /// What the server can do (MariaDB's extended bits included).
    var capabilities: MySQLCapabilities
    /// The server's default character set number.
    var characterSet: UInt8
    /// The server status flags.
    var status: UInt16
    /// The authentication plugin the server suggests (`mysql_native_password`).
    /// The plugin `authResponse` was made for.
    var authPluginName: String

    /// Whether the server is MariaDB (it clears the `CLIENT_MYSQL` bit).
    var isMariaDB: Bool { !capabilities.contains(.clientMySQL) }

    /// Parses a handshake payload; throws a protocol error for anything but version 10.
    init(parsing payload: ByteBuffer) throws(MySQLError) {
        var buffer = payload
        guard let version = buffer.readInteger(as: UInt8.self) else { throw .protocolViolation("empty handshake") }
        if version == 0xFF {
            throw MySQLServerError(parsing: payload).map(MySQLError.server) ?? .protocolViolation("malformed error packet")
        }
        guard version == 10 else { throw .protocolViolation("unsupported handshake protocol version \(version)") }
        guard let serverVersion = buffer.readMySQLNullTerminatedString(),
            let connectionID = buffer.readInteger(endianness: .little, as: UInt32.self),
            let part1 = buffer.readBytes(length: 8),
            buffer.readInteger(as: UInt8.self) != nil,
            let lowCapabilities = buffer.readInteger(endianness: .little, as: UInt16.self)
        else { throw .protocolViolation("truncated handshake") }
        var capabilities = UInt64(lowCapabilities)
        var characterSet: UInt8 = 0
        var status: UInt16 = 0
        var nonce = part1
        var plugin = "mysql_native_password"
        if buffer.readableBytes > 0 {
            guard let charset = buffer.readInteger(as: UInt8.self),
                let statusFlags = buffer.readInteger(endianness: .little, as: UInt16.self),
                let highCapabilities = buffer.readInteger(endianness: .little, as: UInt16.self),
                let authDataLength = buffer.readInteger(as: UInt8.self),
                let filler = buffer.readBytes(length: 10)
            else { throw .protocolViolation("truncated handshake") }
            characterSet = charset
            status = statusFlags
            capabilities |= UInt64(highCapabilities) << 16
            if capabilities & MySQLCapabilities.clientMySQL.rawValue == 0 {
                // MariaDB: the last four filler bytes are the extended capabilities.
                let extended = UInt64(filler[6]) | UInt64(filler[7]) << 8 | UInt64(filler[8]) << 16 | UInt64(filler[9]) << 24
                capabilities |= extended << 32
            }
            if capabilities & MySQLCapabilities.secureConnection.rawValue != 0 {
                let length = max(13, Int(authDataLength) - 8)
                guard let part2 = buffer.readBytes(length: min(length, buffer.readableBytes)) else {
                    throw .protocolViolation("truncated handshake nonce")
                }
                nonce += part2
                if nonce.last == 0 { nonce.removeLast() }
            }
            if capabilities & MySQLCapabilities.pluginAuth.rawValue != 0 {
                plugin = buffer.readMySQLNullTerminatedString() ?? buffer.readString(length: buffer.readableBytes) ?? plugin
            }
        }
        self.serverVersion = serverVersion
        self.connectionID = connectionID
        self.nonce = nonce
        self.capabilities = MySQLCapabilities(rawValue: capabilities)
        self.characterSet = characterSet
        self.status = status
        self.authPluginName = plugin
    }
}

/// The client's answer to the handshake (Protocol::HandshakeResponse41), and its first 32
/// bytes alone as the SSLRequest that precedes a TLS handshake.
struct MySQLHandshakeResponse: Sendable {
    /// The capabilities the client uses (a subset of the server's).
    var capabilities: MySQLCapabilities
    /// utf8mb4_general_ci, which MySQL and MariaDB both know.
    static let utf8mb4CharacterSet: UInt8 = 45
    static let maxPacketSize: UInt32 = 1 << 30
    /// The user to log in as.
    var user: String
    /// The authentication plugin's first answer (a password scramble).
    var authResponse: [UInt8]
    /// The default database, sent with CONNECT_WITH_DB.
    var database: String?
    var authPluginName: String

    /// A handshake response with the given parts.
    init(capabilities: MySQLCapabilities, user: String, authResponse: [UInt8], database: String?, authPluginName: String) {
        self.capabilities = capabilities
        self.user = user
        self.authResponse = authResponse
        self.database = database
        self.authPluginName = authPluginName
    }

    /// The fixed 32-byte prefix: capabilities, max packet size, character set, filler (with
    /// MariaDB's extended capabilities in its last four bytes).
    static func writePrefix(_ capabilities: MySQLCapabilities, into out: inout ByteBuffer) {
        out.writeInteger(UInt32(truncatingIfNeeded: capabilities.rawValue), endianness: .little)
        out.writeInteger(maxPacketSize, endianness: .little)
        out.writeInteger(utf8mb4CharacterSet)
        out.writeRepeatingByte(0, count: 19)
        if capabilities.contains(.clientMySQL) {
            out.writeRepeatingByte(0, count: 4)
        } else {
            out.writeInteger(UInt32(truncatingIfNeeded: capabilities.rawValue >> 32), endianness: .little)
        }
    }

    /// The SSLRequest payload for `capabilities`.
    static func sslRequest(_ capabilities: MySQLCapabilities) -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: 32)
        writePrefix(capabilities, into: &out)
        return out
    }

    /// The payload.
    func encoded() -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: 96 + user.utf8.count + authResponse.count)
        Self.writePrefix(capabilities, into: &out)
        out.writeMySQLNullTerminatedString(user)
        if capabilities.contains(.pluginAuthLengthEncodedClientData) {
            out.writeMySQLLengthEncodedBytes(authResponse)
        } else {
            out.writeInteger(UInt8(truncatingIfNeeded: authResponse.count))
            out.writeBytes(authResponse)
        }
        if capabilities.contains(.connectWithDB) { out.writeMySQLNullTerminatedString(database ?? "") }
        if capabilities.contains(.pluginAuth) { out.writeMySQLNullTerminatedString(authPluginName) }
        return out
    }
}

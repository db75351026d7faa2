import NIOCore
import NIOSSL

/// The login conversation: handshake, optional TLS upgrade, authentication.
struct MySQLLogin: Sendable {
    let configuration: MySQLConnectionConfiguration
    let channel: any Channel
    let inbox: NIOLoopBound<MySQLInbox>

    func run() async throws -> (MySQLHandshake, MySQLCapabilities, Bool) {
        var sequence: UInt8 = 0
        let handshake = try MySQLHandshake(parsing: try await read(&sequence).payload)
        let server = handshake.capabilities
        guard server.isSuperset(of: MySQLCapabilities.required) else {
            throw MySQLError.connection(
                "the server at \(configuration.address) (\(handshake.serverVersion)) does not speak protocol 4.1 with plugin authentication")
        }
        var capabilities = MySQLCapabilities.wanted.intersection(server)
        if let database = configuration.database, !database.isEmpty { capabilities.insert(.connectWithDB) }
        let tls = try await negotiateTLS(server: server, capabilities: &capabilities, sequence: &sequence)
        var plugin = handshake.authPluginName
        var nonce = handshake.nonce
        var first = MySQLAuthentication.response(plugin: plugin, password: configuration.password, nonce: nonce, overTLS: tls)
        if first == nil {
            // An unknown default plugin: offer native password; the server switches if it must.
            plugin = MySQLAuthentication.nativePassword
            first = MySQLAuthentication.nativePasswordScramble(password: configuration.password, nonce: nonce)
        }
        let response = MySQLHandshakeResponse(
            capabilities: capabilities, user: configuration.user, authResponse: first ?? [], database: configuration.database,
            authPluginName: plugin)
        try await write(response.encoded(), &sequence)
        var awaitingPublicKey = false
        while true {
            let packet = try await read(&sequence)
            var payload = packet.payload
            switch packet.header {
            case MySQLHeader.ok:
                return (handshake, capabilities, tls)
            case MySQLHeader.error:
                throw MySQLConnection.serverError(packet)
            case MySQLHeader.eof:
                payload.moveReaderIndex(forwardBy: 1)
                plugin = payload.readMySQLNullTerminatedString() ?? ""
                nonce = payload.readBytes(length: payload.readableBytes) ?? []
                if nonce.last == 0 { nonce.removeLast() }
                guard let answer = MySQLAuthentication.response(plugin: plugin, password: configuration.password, nonce: nonce, overTLS: tls) else {
                    throw MySQLError.authentication("the server asks for the authentication plugin '\(plugin)', which this client does not support")
                }
                try await write(ByteBuffer(bytes: answer), &sequence)
            case MySQLHeader.authMoreData:
                payload.moveReaderIndex(forwardBy: 1)
                guard plugin == MySQLAuthentication.cachingSHA2Password else {
                    throw MySQLError.protocolViolation("unexpected authentication data for plugin '\(plugin)'")
                }
                if awaitingPublicKey {
                    let pem = payload.readString(length: payload.readableBytes) ?? ""
                    let encrypted = try MySQLAuthentication.rsaEncryptedPassword(configuration.password, nonce: nonce, publicKeyPEM: pem)
                    try await write(ByteBuffer(bytes: encrypted), &sequence)
                    awaitingPublicKey = false
                    continue
                }
                switch payload.readInteger(as: UInt8.self) {
                case 0x03:
                    continue  // fast authentication succeeded; the OK packet follows
                case 0x04:
                    if tls {
                        try await write(ByteBuffer(bytes: Array(configuration.password.utf8) + [0]), &sequence)
                    } else {
                        awaitingPublicKey = true
                        try await write(ByteBuffer(bytes: [0x02]), &sequence)
                    }
                default:
                    throw MySQLError.protocolViolation("unexpected caching_sha2_password state")
                }
            default:
                throw MySQLError.protocolViolation("unexpected packet during login (header \(packet.header ?? 0))")
            }
        }
    }

    /// Sends the SSLRequest and adds the TLS handler when TLS is wanted and offered.
    private func negotiateTLS(server: MySQLCapabilities, capabilities: inout MySQLCapabilities, sequence: inout UInt8) async throws -> Bool {
        let mode = configuration.tls.mode
        guard mode != .disable else { return false }
        guard server.contains(.ssl) else {
            if mode == .prefer { return false }
            throw MySQLError.tls(
                "the MySQL server at \(configuration.address) does not support TLS (it does not offer SSL), but tls.mode is '\(mode.rawValue)'")
        }
        capabilities.insert(.ssl)
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if mode == .verifyFull {
            tlsConfiguration.certificateVerification = .fullVerification
            if let caFile = configuration.tls.caFile { tlsConfiguration.trustRoots = .file(caFile) }
        } else {
            tlsConfiguration.certificateVerification = .none
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tlsConfiguration)
        } catch {
            throw MySQLError.tls("could not set up TLS: \(error)")
        }
        try await write(MySQLHandshakeResponse.sslRequest(capabilities), &sequence)
        let host = configuration.host
        let isAddress = host.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
        let channel = self.channel
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
        return true
    }

    private func write(_ payload: ByteBuffer, _ sequence: inout UInt8) async throws {
        var framed = ByteBufferAllocator().buffer(capacity: payload.readableBytes + 4)
        sequence = MySQLFraming.frame(payload, sequence: sequence, into: &framed)
        do {
            try await channel.writeAndFlush(framed)
        } catch {
            // The channel failed; the inbox knows why (a TLS failure, or the server's last
            // words before it closed the connection).
            let packet = try await read(&sequence)
            if packet.header == MySQLHeader.error { throw MySQLConnection.serverError(packet) }
            throw MySQLError.connection("could not send to the MySQL server at \(configuration.address): \(error)")
        }
    }

    private func read(_ sequence: inout UInt8) async throws -> MySQLPacket {
        let inbox = self.inbox
        let packets = try await inbox.eventLoop.flatSubmit { inbox.value.take(max: 1, eventLoop: inbox.eventLoop) }.get()
        guard let packet = packets.first else { throw MySQLError.protocolViolation("no packet") }
        sequence = packet.sequence &+ 1
        return packet
    }
}

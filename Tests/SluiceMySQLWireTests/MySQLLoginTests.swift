import NIOCore
import SluiceMySQLWire
import Testing
import _CryptoExtras

/// Login paths against a scripted fake server (the MariaDB test server only speaks
/// mysql_native_password). Expected scrambles are the independently computed vectors of
/// ``MySQLWireTests`` (password `secret-pw`, nonce bytes 1…20).
@Suite struct MySQLLoginTests {
    static let nonce = (1...20).map { UInt8($0) }
    static let sha2Scramble = "702fa0e474391a0956d714f772bc509eee0b17df5d3148085e353830a638211c"
    static let nativeScramble = "1e58b73f68d9dafb7b3e186a5419a21c9e153b15"

    /// The default timeout is generous: the suite's blocking oracles can hold the cooperative
    /// threads that drive a login for seconds (see scripts/test-databases.sh).
    static func configuration(_ port: Int, timeout: Duration = .seconds(3600)) -> MySQLConnectionConfiguration {
        MySQLConnectionConfiguration(
            host: "127.0.0.1", port: port, user: "u", password: "secret-pw", database: "db", tls: .init(mode: .prefer),
            connectTimeout: timeout)
    }

    @Test func cachingSHA2FullAuthenticationSendsTheRSAEncryptedPassword() async throws {
        let key = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        let pem = key.publicKey.pemRepresentation
        let der = key.derRepresentation  // the key itself is not Sendable; the server script rebuilds it
        let server = try await MySQLFakeServer.start { conversation in
            try await conversation.send(MySQLFakeServer.handshake(nonce: Self.nonce, plugin: "caching_sha2_password"))
            let response = MySQLFakeServer.authResponse(of: try await conversation.receive())
            guard response.user == "u", MySQLWireTests.hex(response.auth) == Self.sha2Scramble, response.plugin == "caching_sha2_password" else {
                throw MySQLError.authentication("bad first response \(response)")
            }
            try await conversation.send([0x01, 0x04])  // perform full authentication
            guard try await conversation.receive() == [0x02] else { throw MySQLError.authentication("no public key request") }
            try await conversation.send([0x01] + Array(pem.utf8))
            let encrypted = try await conversation.receive()
            let key = try _RSA.Encryption.PrivateKey(derRepresentation: der)
            guard MySQLWireTests.hex(Array(try key.decrypt(encrypted, padding: .PKCS1_OAEP))) == "7267607660722a787e0a" else {
                throw MySQLError.authentication("bad encrypted password")
            }
            try await conversation.send(MySQLFakeServer.ok)
            guard try await conversation.receive() == [0x0E] else { throw MySQLError.protocolViolation("no ping") }
            try await conversation.send(MySQLFakeServer.ok)
            guard try await conversation.receive() == [0x01] else { throw MySQLError.protocolViolation("no quit") }
        }
        let connection = try await MySQLConnection.connect(Self.configuration(server.port))
        #expect(connection.serverVersion == "8.0.36-fake")
        #expect(!connection.isMariaDB)
        #expect(connection.connectionID == 7)
        try await connection.ping()
        await connection.close()
        try await server.finished.value
    }

    @Test func cachingSHA2FastAuthenticationAndAPluginSwitch() async throws {
        let server = try await MySQLFakeServer.start { conversation in
            // An unknown default plugin: the client offers native password, the server
            // switches to caching_sha2_password with a new nonce and accepts the fast path.
            try await conversation.send(MySQLFakeServer.handshake(nonce: Array(repeating: 0x41, count: 20), plugin: "auth_gssapi_client"))
            let first = MySQLFakeServer.authResponse(of: try await conversation.receive())
            guard first.plugin == "mysql_native_password", first.auth.count == 20 else { throw MySQLError.authentication("bad first \(first)") }
            try await conversation.send([0xFE] + Array("caching_sha2_password\0".utf8) + Self.nonce + [0x00])
            guard MySQLWireTests.hex(try await conversation.receive()) == Self.sha2Scramble else { throw MySQLError.authentication("bad switch response") }
            try await conversation.send([0x01, 0x03])  // fast authentication succeeded
            try await conversation.send(MySQLFakeServer.ok)
            _ = try await conversation.receive()  // COM_QUIT
        }
        let connection = try await MySQLConnection.connect(Self.configuration(server.port))
        #expect(connection.isUsable)
        await connection.close()
        try await server.finished.value
    }

    @Test func aSwitchToNativePasswordUsesTheNewNonce() async throws {
        let server = try await MySQLFakeServer.start { conversation in
            try await conversation.send(MySQLFakeServer.handshake(nonce: Array(repeating: 0x42, count: 20), plugin: "caching_sha2_password"))
            _ = try await conversation.receive()
            try await conversation.send([0xFE] + Array("mysql_native_password\0".utf8) + Self.nonce + [0x00])
            guard MySQLWireTests.hex(try await conversation.receive()) == Self.nativeScramble else { throw MySQLError.authentication("bad native response") }
            try await conversation.send([0xFF, 0x15, 0x04] + Array("#28000Access denied for user 'u'@'x' (using password: YES)".utf8))
        }
        await #expect(throws: MySQLError.server(MySQLServerError(code: 1045, sqlState: "28000", message: "Access denied for user 'u'@'x' (using password: YES)"))) {
            _ = try await MySQLConnection.connect(Self.configuration(server.port))
        }
        try await server.finished.value
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try await MySQLFakeServer.start { conversation in
            _ = try? await conversation.receive()  // waits until the client gives up
        }
        await #expect(throws: MySQLError.connection("logging in to the MySQL server at 127.0.0.1:\(server.port) timed out after 0.3 seconds")) {
            _ = try await MySQLConnection.connect(Self.configuration(server.port, timeout: .milliseconds(300)))
        }
        try await server.finished.value
    }

    @Test func anErrorTheServerSendsToAnIdleConnectionIsReportedNotTakenAsAnAnswer() async throws {
        let server = try await MySQLFakeServer.start { conversation in
            try await conversation.send(MySQLFakeServer.handshake(nonce: Self.nonce, plugin: "mysql_native_password"))
            _ = try await conversation.receive()
            try await conversation.send(MySQLFakeServer.ok)
            // MySQL 8 tells an idle client why it hangs up (sequence id 0: no command runs).
            conversation.sequence = 0
            try await conversation.send(
                [0xFF, 0xBF, 0x0F, 0x23] + Array("HY000The client was disconnected by the server because of inactivity.".utf8))
        }
        let connection = try await MySQLConnection.connect(Self.configuration(server.port))
        try await server.finished.value
        for _ in 0..<250 where connection.isUsable { try await Task.sleep(for: .milliseconds(20)) }
        await #expect(throws: MySQLError.connection(
            "the server ended the connection: ERROR 4031 (HY000): The client was disconnected by the server because of inactivity.")) {
            _ = try await connection.query("SELECT 1")
        }
    }

    /// A server at its connection limit sends an error packet instead of a handshake and
    /// hangs up at once: the client reports the server's reason, not a missing handler.
    @Test func aServerThatRefusesTheConnectionIsQuoted() async throws {
        let server = try await MySQLFakeServer.start { conversation in
            try await conversation.send([0xFF, 0x10, 0x04] + Array("Too many connections".utf8))
        }
        do {
            _ = try await MySQLConnection.connect(Self.configuration(server.port))
            Issue.record("a refused connection logged in")
        } catch {
            // A handshake-time ERR packet carries no SQL state; the client reports HY000.
            #expect(error as? MySQLError == .server(MySQLServerError(code: 1040, sqlState: "HY000", message: "Too many connections")))
            #expect("\(error)" == "ERROR 1040 (HY000): Too many connections")
        }
        try await server.finished.value
    }
}

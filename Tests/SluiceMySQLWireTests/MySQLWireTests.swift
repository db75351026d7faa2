import NIOCore
import SluiceCore
import Testing
import _CryptoExtras

@testable import SluiceMySQLWire

@Suite struct MySQLWireTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    // MARK: Framing

    @Test func aSmallPayloadIsOnePacketWithItsSequenceID() throws {
        var out = ByteBuffer()
        let next = MySQLFraming.frame(ByteBuffer(bytes: [0x03, 0x41, 0x42]), sequence: 7, into: &out)
        #expect(next == 8)
        #expect(Self.bytes(out) == [0x03, 0x00, 0x00, 0x07, 0x03, 0x41, 0x42])
        var input = out
        #expect(MySQLFraming.decode(&input) == MySQLPacket(sequence: 7, payload: ByteBuffer(bytes: [0x03, 0x41, 0x42])))
        #expect(input.readableBytes == 0)
    }

    @Test func payloadsOf16MiBAndMoreAreSplitAndJoined() throws {
        let max = 0xFF_FFFF
        // max + 10 bytes: a full packet, then one of 10 bytes.
        var payload = ByteBuffer(repeating: 0x5A, count: max + 10)
        payload.setInteger(UInt8(0x01), at: 0)
        payload.setInteger(UInt8(0x02), at: max - 1)
        payload.setInteger(UInt8(0x03), at: max)
        payload.setInteger(UInt8(0x04), at: max + 9)
        var out = ByteBuffer()
        #expect(MySQLFraming.frame(payload, sequence: 0, into: &out) == 2)
        #expect(out.readableBytes == 4 + max + 4 + 10)
        #expect(out.getBytes(at: 0, length: 4) == [0xFF, 0xFF, 0xFF, 0x00])
        #expect(out.getBytes(at: 4 + max, length: 4) == [0x0A, 0x00, 0x00, 0x01])
        #expect(out.getBytes(at: 4, length: 2) == [0x01, 0x5A])
        #expect(out.getInteger(at: 4 + max - 1, as: UInt8.self) == 0x02)
        #expect(out.getBytes(at: 4 + max + 4, length: 10) == [0x03] + Array(repeating: 0x5A, count: 8) + [0x04])

        // Not yet complete: nothing is consumed.
        var partial = out.getSlice(at: 0, length: out.readableBytes - 1) ?? ByteBuffer()
        #expect(MySQLFraming.decode(&partial) == nil)
        #expect(partial.readableBytes == out.readableBytes - 1)

        var input = out
        let packet = try #require(MySQLFraming.decode(&input))
        #expect(packet.sequence == 1)
        #expect(packet.payload == payload)
        #expect(input.readableBytes == 0)

        // Exactly max bytes: a full packet and an empty one.
        let exact = ByteBuffer(repeating: 0x61, count: max)
        var framed = ByteBuffer()
        #expect(MySQLFraming.frame(exact, sequence: 3, into: &framed) == 5)
        #expect(framed.readableBytes == 4 + max + 4)
        #expect(framed.getBytes(at: 4 + max, length: 4) == [0x00, 0x00, 0x00, 0x04])
        let joined = try #require(MySQLFraming.decode(&framed))
        #expect(joined.payload.readableBytes == max)
        #expect(joined.sequence == 4)
    }

    // MARK: Length-encoded values

    @Test func lengthEncodedIntegersUseEachWidth() throws {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]), (250, [0xFA]), (251, [0xFC, 0xFB, 0x00]), (65_535, [0xFC, 0xFF, 0xFF]),
            (65_536, [0xFD, 0x00, 0x00, 0x01]), (16_777_215, [0xFD, 0xFF, 0xFF, 0xFF]),
            (16_777_216, [0xFE, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]),
            (UInt64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        ]
        for (value, encoded) in cases {
            var out = ByteBuffer()
            #expect(out.writeMySQLLengthEncodedInteger(value) == encoded.count)
            #expect(Self.bytes(out) == encoded)
            var input = ByteBuffer(bytes: encoded + [0x99])
            #expect(input.readMySQLLengthEncodedInteger() == value)
            #expect(input.readableBytes == 1)
        }
        var null = ByteBuffer(bytes: [0xFB])
        #expect(null.readMySQLLengthEncodedInteger() == nil)
        #expect(null.readableBytes == 1)
        var short = ByteBuffer(bytes: [0xFD, 0x01])
        #expect(short.readMySQLLengthEncodedInteger() == nil)

        var text = ByteBuffer()
        text.writeMySQLLengthEncodedString("héllo")
        #expect(Self.bytes(text) == [0x06, 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F])
        #expect(text.readMySQLLengthEncodedString() == "héllo")
        #expect(MySQLTextRow.cells(ByteBuffer(bytes: [0x01, 0x31, 0xFB, 0x00]), count: 3)
            == [ByteBuffer(bytes: [0x31]), nil, ByteBuffer()])
    }

    // MARK: Authentication

    /// The expected bytes were computed once, independently of this code, with Python's
    /// hashlib from the definition in the MySQL documentation (password `secret-pw`, nonce
    /// the bytes 1…20):
    /// `s1=sha1(pw); print(bytes(a^b for a,b in zip(s1, sha1(nonce+sha1(s1))))).hex())`
    @Test func nativePasswordScrambleMatchesAnIndependentComputation() {
        let nonce = (1...20).map { UInt8($0) }
        #expect(Self.hex(MySQLAuthentication.nativePasswordScramble(password: "secret-pw", nonce: nonce))
            == "1e58b73f68d9dafb7b3e186a5419a21c9e153b15")
        #expect(MySQLAuthentication.nativePasswordScramble(password: "", nonce: nonce) == [])
    }

    /// MariaDB cannot offer caching_sha2_password, so the scramble is checked against its
    /// definition in the MySQL documentation — XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)),
    /// nonce)) — computed once with Python's hashlib for password `secret-pw` and the nonce
    /// bytes 1…20: `t1=sha256(pw); m=sha256(sha256(t1)+nonce); bytes(a^b for a,b in zip(t1,m)).hex()`.
    @Test func cachingSHA2ScrambleMatchesAnIndependentComputation() {
        let nonce = (1...20).map { UInt8($0) }
        #expect(Self.hex(MySQLAuthentication.cachingSHA2Scramble(password: "secret-pw", nonce: nonce))
            == "702fa0e474391a0956d714f772bc509eee0b17df5d3148085e353830a638211c")
        #expect(MySQLAuthentication.response(plugin: "caching_sha2_password", password: "", nonce: nonce, overTLS: false) == [])
        #expect(MySQLAuthentication.response(plugin: "mysql_clear_password", password: "pw", nonce: nonce, overTLS: false) == nil)
        #expect(MySQLAuthentication.response(plugin: "mysql_clear_password", password: "pw", nonce: nonce, overTLS: true) == [0x70, 0x77, 0x00])
        #expect(MySQLAuthentication.response(plugin: "dialog", password: "pw", nonce: nonce, overTLS: true) == nil)
    }

    /// Full caching_sha2_password authentication without TLS: (password + NUL) XOR nonce,
    /// RSA-OAEP(SHA-1) encrypted with the server's public key. The XOR bytes were computed
    /// with Python (`bytes(b ^ nonce[i % 20] for i, b in enumerate(b"secret-pw\0")).hex()`);
    /// a key made here decrypts the result back to them.
    @Test func rsaEncryptedPasswordDecryptsToThePasswordXORNonce() throws {
        let nonce = (1...20).map { UInt8($0) }
        #expect(Self.hex(MySQLAuthentication.xorWithNonce(Array("secret-pw".utf8) + [0], nonce: nonce)) == "7267607660722a787e0a")
        let key = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        let encrypted = try MySQLAuthentication.rsaEncryptedPassword("secret-pw", nonce: nonce, publicKeyPEM: key.publicKey.pemRepresentation)
        #expect(encrypted.count == 256)
        #expect(Self.hex(Array(try key.decrypt(encrypted, padding: .PKCS1_OAEP))) == "7267607660722a787e0a")
        #expect(throws: MySQLError.self) {
            _ = try MySQLAuthentication.rsaEncryptedPassword("pw", nonce: nonce, publicKeyPEM: "not a key")
        }
    }

    // MARK: Handshake

    /// A MariaDB-style HandshakeV10, built byte by byte from the protocol description.
    static let capturedHandshake: [UInt8] =
        [0x0A] + Array("5.5.5-10.11.6-MariaDB\0".utf8)
        + [0x2A, 0x01, 0x00, 0x00]  // connection id 298
        + Array("abcdefgh".utf8) + [0x00]  // nonce part 1, filler
        + [0xFE, 0xF7]  // capabilities, low 16 bits: 0xF7FE (no CLIENT_MYSQL, no SSL)
        + [0x2D]  // utf8mb4_general_ci
        + [0x02, 0x00]  // status: autocommit
        + [0xFF, 0x81]  // capabilities, high 16 bits: 0x81FF
        + [0x15]  // auth data length 21
        + [0, 0, 0, 0, 0, 0] + [0x1D, 0x00, 0x00, 0x00]  // filler, MariaDB extended capabilities
        + Array("ijklmnopqrst\0".utf8)  // nonce part 2
        + Array("mysql_native_password\0".utf8)

    @Test func parsesAHandshakeV10() throws {
        let handshake = try MySQLHandshake(parsing: ByteBuffer(bytes: Self.capturedHandshake))
        #expect(handshake.serverVersion == "5.5.5-10.11.6-MariaDB")
        #expect(handshake.connectionID == 298)
        #expect(handshake.nonce == Array("abcdefghijklmnopqrst".utf8))
        #expect(handshake.capabilities.rawValue == 0x0000_001D_81FF_F7FE)
        #expect(handshake.isMariaDB)
        #expect(handshake.capabilities.contains(.mariaDBExtendedMetadata))
        #expect(!handshake.capabilities.contains(.ssl))
        #expect(handshake.characterSet == 45)
        #expect(handshake.status == 2)
        #expect(handshake.authPluginName == "mysql_native_password")

        #expect(throws: MySQLError.protocolViolation("unsupported handshake protocol version 9")) {
            _ = try MySQLHandshake(parsing: ByteBuffer(bytes: [0x09] + Self.capturedHandshake.dropFirst()))
        }
        let error: [UInt8] = [0xFF, 0x6A, 0x04] + Array("Host 'x' is not allowed to connect".utf8)
        #expect(throws: MySQLError.server(MySQLServerError(code: 1130, sqlState: "HY000", message: "Host 'x' is not allowed to connect"))) {
            _ = try MySQLHandshake(parsing: ByteBuffer(bytes: error))
        }
    }

    @Test func encodesTheHandshakeResponseAndSSLRequest() {
        let capabilities: MySQLCapabilities = [.protocol41, .secureConnection, .pluginAuth, .pluginAuthLengthEncodedClientData, .connectWithDB, .mariaDBExtendedMetadata]
        let response = MySQLHandshakeResponse(
            capabilities: capabilities, user: "bob", authResponse: [0xAA, 0xBB], database: "db", authPluginName: "mysql_native_password")
        let expected: [UInt8] =
            [0x08, 0x82, 0x28, 0x00]  // 0x00288208
            + [0x00, 0x00, 0x00, 0x40]  // max packet 1 GiB
            + [0x2D] + Array(repeating: 0, count: 19) + [0x08, 0x00, 0x00, 0x00]  // charset, filler, extended (1 << 35)
            + Array("bob\0".utf8) + [0x02, 0xAA, 0xBB] + Array("db\0".utf8) + Array("mysql_native_password\0".utf8)
        #expect(Self.bytes(response.encoded()) == expected)
        #expect(Self.bytes(MySQLHandshakeResponse.sslRequest(capabilities.union(.ssl))) == [0x08, 0x8A, 0x28, 0x00] + expected[4..<32])
    }

    @Test func parsesServerPackets() throws {
        let err: [UInt8] = [0xFF, 0x26, 0x04, 0x23] + Array("23000Duplicate entry '1' for key 'PRIMARY'".utf8)
        #expect(MySQLServerError(parsing: ByteBuffer(bytes: err))
            == MySQLServerError(code: 1062, sqlState: "23000", message: "Duplicate entry '1' for key 'PRIMARY'"))
        #expect(MySQLServerError(code: 1062, sqlState: "23000", message: "x").description == "ERROR 1062 (23000): x")
        let ok = try MySQLOK(parsing: ByteBuffer(bytes: [0x00, 0xFC, 0x10, 0x27, 0x05, 0x0A, 0x00, 0x01, 0x00]))
        #expect(ok == MySQLOK(affectedRows: 10_000, lastInsertID: 5, status: 0x0A, warnings: 1))
        #expect(ok.moreResults)
    }

    @Test func executeEncodesTheBinaryProtocolParameters() {
        let statement = MySQLPreparedStatement(id: 0x0102_0304, parameterCount: 5, columnCount: 0)
        let payload = MySQLConnection.executePayload(statement, [
            .int(-2), .null, .text("hé"), .double(1.5),
            .datetime(Timestamp(microseconds: 1_704_164_645_123_456)),
        ])
        let expected: [UInt8] =
            [0x17, 0x04, 0x03, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00]
            + [0b0000_0010]  // NULL bitmap: parameter 1
            + [0x01]  // types follow
            + [0x08, 0x00, 0x06, 0x00, 0xFE, 0x00, 0x05, 0x00, 0x0C, 0x00]
            + [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // -2
            + [0x03, 0x68, 0xC3, 0xA9]  // "hé"
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x3F]  // 1.5
            + [0x0B, 0xE8, 0x07, 0x01, 0x02, 0x03, 0x04, 0x05, 0x40, 0xE2, 0x01, 0x00]  // 2024-01-02 03:04:05.123456
        #expect(Self.bytes(payload) == expected)
    }
}

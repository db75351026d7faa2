import Crypto
import SluiceMySQLWire
import SluiceTestSupport
import Testing

/// TLS and packets above 16 MiB, against a MariaDB server of the test's own (see
/// `MySQLPrivateServer` in SluiceTestSupport): the shared test server has no TLS and a 16 MB
/// packet limit.
@Suite(.serialized) struct MySQLTLSTests {
    @Test func tlsModesAndSplitPacketsOnAPrivateServer() async throws {
        let server = try await MySQLPrivateServer.start()
        try await withAsyncCleanup {

            // require: encrypted, certificate not checked.
            let required = try await MySQLConnection.connect(server.configuration(tls: .init(mode: .require)))
            #expect(required.usesTLS)
            let status = try await required.query("SHOW SESSION STATUS LIKE 'Ssl_version'")
            #expect(status.rows.first?.last??.hasPrefix("TLSv1.") == true)
            await required.close()

            // verify-full against the CA that signed the certificate, by IP and by name.
            for host in ["127.0.0.1", "localhost"] {
                let verified = try await MySQLConnection.connect(server.configuration(tls: .init(mode: .verifyFull, caFile: server.caFile), host: host))
                #expect(verified.usesTLS)
                #expect(try await verified.query("SELECT 'over tls'").rows == [["over tls"]])
                await verified.close()
            }

            // verify-full against another CA fails with a TLS error.
            do {
                _ = try await MySQLConnection.connect(server.configuration(tls: .init(mode: .verifyFull, caFile: server.otherCAFile)))
                Issue.record("a certificate from an untrusted CA was accepted")
            } catch let error as MySQLError {
                guard case .tls(let message) = error else {
                    Issue.record("expected a TLS error, got \(error)")
                    return
                }
                #expect(message.hasPrefix("TLS with the MySQL server failed: "))
                #expect(message.contains("CERTIFICATE_VERIFY_FAILED"))
            }

            // A 20 MB value in and out over TLS: split packets in both directions.
            let connection = try await MySQLConnection.connect(server.configuration(tls: .init(mode: .require)))
            try await connection.execute("CREATE DATABASE big")
            try await connection.execute("CREATE TABLE big.t (id INT, b LONGBLOB)")
            let bytes = (0..<20_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            let insert = try await connection.prepare("INSERT INTO big.t VALUES (?, ?)")
            try await connection.execute(insert, [.int(1), .bytes(bytes)])
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(try await connection.query("SELECT LENGTH(b), SHA2(b, 256) FROM big.t").rows == [["20000000", digest]])
            let columns = try await connection.startQuery("SELECT b, id FROM big.t")
            #expect(columns.map(\.name) == ["b", "id"])
            let rows = try await connection.nextRows(max: 10)
            #expect(try await connection.nextRows(max: 10).isEmpty)
            let cells = MySQLTextRow.cells(try #require(rows.first), count: 2)
            #expect(cells[0].map { Array($0.readableBytesView) == bytes } == true)
            #expect(cells[1].map { String(buffer: $0) } == "1")
            await connection.close()
        } cleanup: {
            await server.stop()
        }
    }
}

extension MySQLPrivateServer {
    /// Connection settings for the private server (any user logs in: it skips grant tables).
    func configuration(tls: MySQLTLSConfiguration, host: String = "127.0.0.1") -> MySQLConnectionConfiguration {
        MySQLConnectionConfiguration(host: host, port: port, user: "root", password: "", database: "mysql", tls: tls, connectTimeout: .seconds(3600))
    }
}

import NIOCore
import SluiceCore
import SluiceMySQLWire
import SluiceTestSupport
import Testing

@Suite struct MySQLConnectionTests {
    @Test func logsInWithNativePasswordAndRunsQueries() async throws {
        let connection = try await MySQLTestServer.connect()
        #expect(connection.isMariaDB)
        #expect(connection.serverVersion.contains("MariaDB"))
        let result = try await connection.query("SELECT 1 + 1 AS two, 'héllo 🌍' AS text, NULL AS nothing, CURRENT_USER() AS who")
        #expect(result.columns.map(\.name) == ["two", "text", "nothing", "who"])
        #expect(result.rows == [["2", "héllo 🌍", nil, "sluice@localhost"]])
        // The handshake asks for utf8mb4; the connectors add the rest of Sluice's session settings.
        let session = try await connection.query("SELECT @@session.character_set_client, @@session.character_set_results")
        #expect(session.rows == [["utf8mb4", "utf8mb4"]])
        try await connection.ping()
        await connection.close()
        #expect(!connection.isUsable)
    }

    @Test func aKilledConnectionSaysWhyOnItsNextCommand() async throws {
        let connection = try await MySQLTestServer.connect()
        try await MySQLTestServer.execute(["KILL CONNECTION \(connection.connectionID)"])
        for _ in 0..<250 where connection.isUsable { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!connection.isUsable)
        // MariaDB closes a killed idle connection without a word.
        await #expect(throws: MySQLError.connection("the connection to the MySQL server was closed")) {
            _ = try await connection.query("SELECT 1")
        }
        await #expect(throws: MySQLError.misuse("the MySQL connection is closed")) {
            _ = try await connection.query("SELECT 1")
        }
    }

    @Test func cancellingAWaitingReadClosesTheConnection() async throws {
        let connection = try await MySQLTestServer.connect()
        // Without cancellation the read would return a row after 60 s instead of throwing.
        let read = Task { try await connection.query("SELECT SLEEP(60)") }
        try await Task.sleep(for: .milliseconds(300))
        read.cancel()
        await #expect(throws: MySQLError.connection("cancelled; the MySQL connection was closed")) {
            _ = try await read.value
        }
        #expect(!connection.isUsable)
    }
}

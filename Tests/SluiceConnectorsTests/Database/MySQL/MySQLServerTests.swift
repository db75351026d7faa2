import SluiceConnectors
import SluiceCore
import SluiceMySQLWire
import SluiceTestSupport
import Testing

/// Login, TLS, streaming and errors against the real server.
@Suite struct MySQLServerTests {
    @Test func aWrongPasswordGetsTheServersAccessDeniedError() async throws {
        var configuration = try MySQLTestServer.endpoint().configuration
        configuration.password = "wrong"
        await #expect(throws: MySQLError.server(MySQLServerError(
            code: 1045, sqlState: "28000", message: "Access denied for user 'sluice'@'localhost' (using password: YES)"))) {
            _ = try await MySQLConnection.connect(configuration)
        }
        configuration.password = ""
        await #expect(throws: MySQLError.server(MySQLServerError(
            code: 1045, sqlState: "28000", message: "Access denied for user 'sluice'@'localhost' (using password: NO)"))) {
            _ = try await MySQLConnection.connect(configuration)
        }
    }

    @Test func tlsRequireFailsClearlyWhenTheServerHasNoTLS() async throws {
        let endpoint = try MySQLTestServer.endpoint(tls: .require)
        let address = endpoint.configuration.address
        await #expect(throws: MySQLError.tls(
            "the MySQL server at \(address) does not support TLS (it does not offer SSL), but tls.mode is 'require'")) {
            _ = try await MySQLConnection.connect(endpoint.configuration)
        }
        // Through a source, the job sees which endpoint failed (without the password).
        let source = try MySQLFixture.source(["url": .string(try MySQLTestServer.url(adding: "tls=require")), "query": "SELECT 1"])
        await #expect(throws: ConnectorError.remote(
            "MySQL login to mysql://sluice@\(address)/sluice_test failed: the MySQL server at \(address) does not support TLS (it does not offer SSL), but tls.mode is 'require'")) {
            _ = try await source.open()
        }
        // prefer falls back to plain TCP.
        let preferred = try await MySQLConnection.connect(try MySQLTestServer.endpoint(tls: .prefer).configuration)
        #expect(!preferred.usesTLS)
        await preferred.close()
    }

    @Test func streamsA100kRowQueryInBoundedBatches() async throws {
        // MariaDB's SEQUENCE engine makes the rows (seq_1_to_N is a virtual table).
        let source = try MySQLFixture.source([
            "query": "SELECT seq AS n, CONCAT('row-', seq) AS label FROM seq_1_to_100000",
        ], batchSize: 1000)
        let reader = try await source.open()
        var chunks = 0
        var rows = 0
        var sum = 0
        var lastPosition = 0
        var labelsOK = true
        while let chunk = try await reader.next() {
            chunks += 1
            #expect(chunk.batch.count == 1000)
            rows += chunk.batch.count
            lastPosition = chunk.batch.positions.last ?? 0
            let n = try #require(chunk.batch.column(named: "n"))
            let label = try #require(chunk.batch.column(named: "label"))
            for row in 0..<chunk.batch.count {
                guard case .int(let value) = n.value(at: row) else { continue }
                sum += value
                if label.value(at: row) != .string("row-\(value)") { labelsOK = false }
            }
        }
        #expect(chunks == 100)
        #expect(rows == 100_000)
        #expect(sum == 5_000_050_000)
        #expect(lastPosition == 100_000)
        #expect(labelsOK)
    }

    @Test func aSlowReaderMakesTheServerWaitInsteadOfBufferingTheResult() async throws {
        let connection = try await MySQLTestServer.connect()
        // 200,000 rows of 1 KB: 200 MB if it were all read ahead.
        let columns = try await connection.startQuery(
            "SELECT seq, REPEAT('x', 1000) FROM seq_1_to_200000")
        #expect(columns.count == 2)
        let first = try await connection.nextRows(max: 10)
        #expect(first.count == 10)
        try await Task.sleep(for: .milliseconds(700))
        let buffered = await connection.bufferedPackets()
        // At most the inbox's high watermark (4 MB of rows here) plus one read's worth of packets.
        #expect(buffered > 0)
        #expect(buffered < 8000)
        var total = first.count
        while true {
            let rows = try await connection.nextRows(max: 5000)
            if rows.isEmpty { break }
            total += rows.count
        }
        #expect(total == 200_000)
        // The connection is free again afterwards.
        #expect(try await connection.query("SELECT 'after'").rows == [["after"]])
        await connection.close()
    }

    @Test func serverErrorsAreSurfacedVerbatimAndKeepTheConnection() async throws {
        let resources = SharedResources()
        let endpoint = try MySQLTestServer.endpoint()
        let source = try MySQLFixture.source(["query": "SELECT * FROM no_such_table_here"], resources: resources)
        await #expect(throws: ConnectorError.remote(
            "MySQL read from \(endpoint.location) failed: ERROR 1146 (42S02): Table 'sluice_test.no_such_table_here' doesn't exist")) {
            _ = try await source.open()
        }
        let pool = try MySQLPools.pool(for: endpoint, in: resources)
        let stats = await pool.statistics
        #expect(stats.opened == 1)
        #expect(stats.closed == 0)
        #expect(stats.idle == 1)
        await resources.shutdown()
    }

    @Test func prepareExecuteAndCloseAStatement() async throws {
        let table = TestDatabases.uniqueName("stmt")
        let connection = try await MySQLTestServer.connect()
        try await connection.execute("CREATE TABLE `\(table)` (a BIGINT, b DOUBLE, c TEXT, d DATETIME(6), e BLOB)")
        let statement = try await connection.prepare("INSERT INTO `\(table)` VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)")
        #expect(statement.parameterCount == 10)
        let ok = try await connection.execute(statement, [
            .int(Int64.min), .double(-1.25), .text("zwölf 🎉"), .datetime(Timestamp(microseconds: -1)), .bytes([0, 255, 10]),
            .null, .null, .null, .null, .null,
        ])
        #expect(ok.affectedRows == 2)
        try await connection.close(statement)
        await #expect(throws: MySQLError.self) { try await connection.execute(statement, Array(repeating: .null, count: 10)) }
        #expect(try await connection.query("SELECT a, b, c, d, HEX(e) FROM `\(table)` ORDER BY a IS NULL").rows == [
            ["-9223372036854775808", "-1.25", "zwölf 🎉", "1969-12-31 23:59:59.999999", "00FF0A"], [nil, nil, nil, nil, nil],
        ])
        try await connection.execute("DROP TABLE `\(table)`")
        await connection.close()
    }
}

import SluiceConnectors
import SluiceCore
import SluiceMySQLWire
import SluiceTestSupport
import Testing

/// The shared connection pools of `mysql` sources and targets.
@Suite struct MySQLPoolTests {
    @Test func componentsWithTheSameCredentialsShareOnePool() async throws {
        let resources = SharedResources()
        let first = try MySQLFixture.source(["query": "SELECT CONNECTION_ID() AS id"], resources: resources)
        let second = try MySQLFixture.source(["query": "SELECT CONNECTION_ID() AS id"], resources: resources)
        _ = try MySQLFixture.target(["table": "anything"], resources: resources)
        #expect(resources.count == 1)
        let one = try await MySQLFixture.records(first)
        let two = try await MySQLFixture.records(second)
        // The second read reused the connection the first gave back.
        #expect(one == two)
        let pool = try MySQLPools.pool(for: try MySQLTestServer.endpoint(), in: resources)
        #expect(await pool.statistics.opened == 1)

        // Another password (or TLS mode) is another pool; the key holds no password.
        let url = try MySQLTestServer.url()
        _ = try MySQLFixture.source(["url": .string(url.replacingOccurrences(of: "sluice-pw", with: "other-pw")), "query": "SELECT 1"], resources: resources)
        _ = try MySQLFixture.source(["url": .string(url + (url.contains("?") ? "&" : "?") + "tls=disable"), "query": "SELECT 1"], resources: resources)
        // Three pools, and the endpoint guards (circuit breakers) the reads made.
        #expect(resources.count == 4)
        let key = try MySQLTestServer.endpoint().poolKey
        #expect(key.hasPrefix("mysql://sluice@127.0.0.1:"))
        #expect(!key.contains("sluice-pw"))
        await resources.shutdown()
    }

    @Test func thePoolOpensAtMostMaxConnectionsAndLaterReadsWait() async throws {
        let resources = SharedResources()
        let config: Value = ["query": "SELECT seq FROM seq_1_to_50000", "pool": ["maxConnections": 2]]
        let source = try MySQLFixture.source(config, batchSize: 10, resources: resources)
        let pool = try MySQLPools.pool(for: try MySQLTestServer.endpoint(), in: resources)
        #expect(await pool.maxConnections == 2)
        let a = try await source.open()
        let b = try await source.open()
        #expect(try await a.next()?.batch.count == 10)
        #expect(try await b.next()?.batch.count == 10)
        let third = Task { () -> Int in
            let reader = try await source.open()
            var rows = 0
            while let chunk = try await reader.next() { rows += chunk.batch.count }
            return rows
        }
        var stats = await pool.statistics
        for _ in 0..<150 where stats.waiting == 0 {
            try await Task.sleep(for: .milliseconds(20))
            stats = await pool.statistics
        }
        #expect(stats.open == 2)
        #expect(stats.waiting == 1)
        // Finishing one read frees its connection for the waiting one.
        var rest = 10
        while let chunk = try await a.next() { rest += chunk.batch.count }
        #expect(rest == 50_000)
        #expect(try await third.value == 50_000)
        stats = await pool.statistics
        #expect(stats.opened == 2)
        #expect(stats.waiting == 0)
        _ = b
        await resources.shutdown()
    }

    @Test func aReaderDroppedMidResultClosesItsConnection() async throws {
        let resources = SharedResources()
        let source = try MySQLFixture.source(["query": "SELECT seq FROM seq_1_to_100000"], batchSize: 100, resources: resources)
        let pool = try MySQLPools.pool(for: try MySQLTestServer.endpoint(), in: resources)
        var reader: (any BatchReader)? = try await source.open()
        #expect(try await reader?.next()?.batch.count == 100)
        reader = nil
        var stats = await pool.statistics
        for _ in 0..<250 where stats.closed == 0 {
            try await Task.sleep(for: .milliseconds(20))
            stats = await pool.statistics
        }
        #expect(stats.closed == 1)
        #expect(stats.open == 0)
        // An exhausted read gives its connection back for reuse.
        let all = try await MySQLFixture.read(try MySQLFixture.source(["query": "SELECT 1 AS one"], resources: resources))
        #expect(all.records == [["one": 1]])
        stats = await pool.statistics
        #expect(stats.idle == 1)
        #expect(stats.opened == 2)
        await resources.shutdown()
    }

    @Test func aKilledConnectionIsReplaced() async throws {
        let resources = SharedResources()
        let source = try MySQLFixture.source(["query": "SELECT CONNECTION_ID() AS id"], resources: resources)
        let before = try await MySQLFixture.records(source)
        let id = try #require(before.first?.objectValue?["id"])
        let pool = try MySQLPools.pool(for: try MySQLTestServer.endpoint(), in: resources)
        let idle = try await pool.lease()
        await pool.release(idle)
        #expect(idle.isUsable)
        try await MySQLTestServer.execute(["KILL CONNECTION \(id)"])
        for _ in 0..<100 where idle.isUsable { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!idle.isUsable)
        let after = try await MySQLFixture.records(source)
        #expect(after.count == 1)
        #expect(after != before)
        let stats = await pool.statistics
        #expect(stats.opened == 2)
        #expect(stats.closed == 1)
        await resources.shutdown()
    }

    @Test func aServerErrorMidResultEndsTheReadAndKeepsTheConnection() async throws {
        let resources = SharedResources()
        // Row 500's subquery returns two rows: the server fails after sending earlier rows.
        let source = try MySQLFixture.source(
            ["query": "SELECT seq, IF(seq = 500, (SELECT 1 UNION SELECT 2), seq) AS v FROM seq_1_to_1000"], batchSize: 100, resources: resources)
        let reader = try await source.open()
        var rows = 0
        do {
            while let chunk = try await reader.next() { rows += chunk.batch.count }
            Issue.record("the read did not fail")
        } catch let error as ConnectorError {
            #expect(error == .remote("MySQL read from \(try MySQLTestServer.endpoint().location) failed: ERROR 1242 (21000): Subquery returns more than 1 row"))
        }
        #expect(rows < 500)
        #expect(try await reader.next() == nil)
        let pool = try MySQLPools.pool(for: try MySQLTestServer.endpoint(), in: resources)
        let stats = await pool.statistics
        #expect(stats.idle == 1)
        #expect(stats.closed == 0)
        // The connection is fine for the next read.
        #expect(try await MySQLFixture.records(try MySQLFixture.source(["query": "SELECT 'ok' AS s"], resources: resources)) == [["s": "ok"]])
        await resources.shutdown()
    }

    /// Every connection the pools open gets Sluice's session settings: UTC, utf8mb4, strict
    /// mode added to the server's modes.
    @Test func connectionsGetSluicesSessionSettings() async throws {
        let connection = try await MySQLTestServer.connect()
        let session = try await connection.query(
            "SELECT @@session.time_zone, @@session.sql_mode, @@session.character_set_client, @@session.character_set_results")
        #expect(session.rows == [[
            "+00:00", "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION",
            "utf8mb4", "utf8mb4",
        ]])
        await connection.close()
    }
}

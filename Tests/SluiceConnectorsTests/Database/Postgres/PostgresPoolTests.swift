import PostgresNIO
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct PostgresPoolTests {
    static func endpoint(_ extra: Value = [:]) throws -> PostgresEndpoint {
        let config = try ValueDecoder().decode(PostgresConnectionConfig.self, from: try PostgresFixture.withURL(extra))
        return try PostgresEndpoint(config)
    }

    /// Waits (without a deadline assertion) until `condition` holds or many turns have passed.
    static func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<500 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }

    @Test func sourcesWithTheSameURLShareOnePoolOfAtMostMaxConnections() async throws {
        let table = PostgresFixture.uniqueTable("pool")
        try await PostgresFixture.psql("CREATE TABLE \(table) AS SELECT g AS id FROM generate_series(1, 50000) g")
        try await withAsyncCleanup {
            let resources = SharedResources()
            let config: Value = ["table": .string(table), "pool": ["maxConnections": 2]]
            let a = try PostgresFixture.source(config, batchSize: 10, resources: resources)
            let b = try PostgresFixture.source(config, batchSize: 10, resources: resources)
            let c = try PostgresFixture.source(["query": "SELECT 1 AS one"], resources: resources)
            let pool = try Self.endpoint(["pool": ["maxConnections": 2]]).pool(in: resources)
            #expect(resources.count == 1)

            let readerA = try await a.open()
            let readerB = try await b.open()
            _ = try await readerA.next()
            _ = try await readerB.next()
            #expect(await pool.statistics.open == 2)
            // A third read waits for a connection.
            let third = Task { try await PostgresFixture.records(c) }
            #expect(await Self.eventually { await pool.statistics.waiting == 1 })
            #expect(await pool.statistics.open == 2)
            while try await readerA.next() != nil {}
            #expect(try await third.value == [["one": 1]])
            while try await readerB.next() != nil {}
            let stats = await pool.statistics
            #expect(stats.opened == 2)
            #expect(stats.open == 2)
            #expect(stats.idle == 2)
            await resources.shutdown()
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func aReaderDroppedMidwayGivesItsConnectionBackClosed() async throws {
        let resources = SharedResources()
        let source = try PostgresFixture.source(["query": "SELECT g FROM generate_series(1, 100000) g"], batchSize: 5, resources: resources)
        let pool = try Self.endpoint().pool(in: resources)
        var reader: (any BatchReader)? = try await source.open()
        #expect(try await reader?.next()?.batch.count == 5)
        reader = nil
        #expect(await Self.eventually { await pool.statistics.open == 0 })
        #expect(await pool.statistics.closed == 1)
        // The pool opens a new connection for the next read.
        #expect(try await PostgresFixture.records(source).count == 100_000)
        #expect(await pool.statistics.opened == 2)
        await resources.shutdown()
    }

    @Test func aTerminatedConnectionIsReplacedOnTheNextLease() async throws {
        let resources = SharedResources()
        let source = try PostgresFixture.source(["query": "SELECT pg_backend_pid() AS pid"], resources: resources)
        let pool = try Self.endpoint().pool(in: resources)
        let first = try await PostgresFixture.records(source)
        guard case .int(let pid)? = first.first?.objectValue?["pid"] else {
            Issue.record("no backend pid: \(first)")
            return
        }
        let idle = try await pool.lease()
        await pool.release(idle)
        #expect(try await PostgresFixture.psql("SELECT pg_terminate_backend(\(pid))") == "t")
        // Wait until the client has seen the server close the connection.
        try? await idle.connection.closeFuture.get()
        let second = try await PostgresFixture.records(source)
        guard case .int(let newPID)? = second.first?.objectValue?["pid"] else {
            Issue.record("no backend pid: \(second)")
            return
        }
        #expect(newPID != pid)
        let stats = await pool.statistics
        #expect(stats.opened == 2)
        #expect(stats.closed == 1)
        await resources.shutdown()
    }

    @Test func aFailedReadReleasesItsConnection() async throws {
        let resources = SharedResources()
        let pool = try Self.endpoint().pool(in: resources)
        let source = try PostgresFixture.source(["query": "SELECT 1 / (g - 300) AS x FROM generate_series(1, 1000) g"], batchSize: 100, resources: resources)
        let reader = try await source.open()
        await #expect(throws: ConnectorError.io(
            "reading the query on \(try PostgresFixture.url()) failed: ERROR: division by zero (SQLSTATE 22012)")) {
            while try await reader.next() != nil {}
        }
        let stats = await pool.statistics
        #expect(stats.open == 0)
        #expect(stats.closed == 1)
        #expect(try await PostgresFixture.records(try PostgresFixture.source(["query": "SELECT 2 AS two"], resources: resources)) == [["two": 2]])
        await resources.shutdown()
    }
}

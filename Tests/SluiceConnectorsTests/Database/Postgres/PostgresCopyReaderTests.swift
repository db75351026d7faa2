import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// Reads without parameters go through one binary `COPY … TO STDOUT` on the connection's
/// channel; reads with parameters through PostgresNIO's row stream. Both must give the same
/// records, and the connection must serve the next statement after a COPY.
@Suite struct PostgresCopyReaderTests {
    static func endpoint(_ extra: Value = [:]) throws -> PostgresEndpoint {
        let config = try ValueDecoder().decode(PostgresConnectionConfig.self, from: try PostgresFixture.withURL(extra))
        return try PostgresEndpoint(config)
    }

    @Test func copyAndRowStreamGiveTheSameRecordsAndBatches() async throws {
        let table = PostgresFixture.uniqueTable("both")
        try await PostgresFixture.psql("""
            CREATE TABLE \(table) AS SELECT g AS id, (g * 3)::int2 AS s, g::numeric / 8 AS n, (g % 5)::float4 / 3 AS f,
              'row ' || g || repeat('é', g % 50) AS t, g % 3 = 0 AS b, timestamptz '1999-12-31 23:00:00+00' + g * interval '1 hour' AS at,
              date '1900-01-01' + g AS d, jsonb_build_object('k', g, 'a', jsonb_build_array(g, 'x')) AS j, ARRAY[g, NULL, -g] AS arr,
              md5(g::text)::uuid AS u, '1 day'::interval * g AS iv, decode(md5(g::text), 'hex') AS by
              FROM generate_series(1, 5000) g;
            INSERT INTO \(table) (id) VALUES (0);
            """)
        try await withAsyncCleanup {
            let copy = try PostgresFixture.source(["table": .string(table), "where": "true ORDER BY id"], batchSize: 333)
            let rows = try PostgresFixture.source(["table": .string(table), "where": "$1 ORDER BY id", "parameters": [true]], batchSize: 333)
            let copied = try await PostgresFixture.read(copy)
            let streamed = try await PostgresFixture.read(rows)
            #expect(copied.map(\.count) == streamed.map(\.count))
            #expect(copied.map(\.positions) == streamed.map(\.positions))
            #expect(copied.map(\.fields) == streamed.map(\.fields))
            let copiedRecords = copied.flatMap(\.records)
            let streamedRecords = streamed.flatMap(\.records)
            #expect(copiedRecords.count == 5001)
            for (index, (a, b)) in zip(copiedRecords, streamedRecords).enumerated() where a != b {
                Issue.record("record \(index): COPY \(a) != rows \(b)")
                break
            }
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func theConnectionServesTheNextStatementAfterACopy() async throws {
        let resources = SharedResources()
        let pool = try Self.endpoint(["pool": ["maxConnections": 1]]).pool(in: resources)
        let config: Value = ["pool": ["maxConnections": 1]]
        func source(_ extra: Value) throws -> PostgresSource {
            var object = config.objectValue ?? ValueObject()
            for (key, value) in extra.objectValue?.pairs ?? zip([], []) { object.appendUnchecked(key: key, value: value) }
            return try PostgresFixture.source(.object(object), batchSize: 1000, resources: resources)
        }
        let copy = try source(["query": "SELECT g, repeat('x', g % 100) AS pad FROM generate_series(1, 20000) g -- a comment;"])
        let rows = try source(["query": "SELECT g FROM generate_series(1, $1::int) g", "parameters": [3]])
        let empty = try source(["query": "SELECT g FROM generate_series(1, 0) g"])
        let failing = try source(["query": "SELECT 1 / (g - 7000) AS x FROM generate_series(1, 9000) g"])
        for _ in 0..<3 {
            #expect(try await PostgresFixture.records(copy).count == 20_000)
            #expect(try await PostgresFixture.records(rows) == [["g": 1], ["g": 2], ["g": 3]])
            #expect(try await PostgresFixture.read(empty).isEmpty)
        }
        // One connection served every read, COPY or not.
        #expect(await pool.statistics.opened == 1)
        await #expect(throws: ConnectorError.io(
            "reading the query on \(try PostgresFixture.url()) failed: ERROR: division by zero (SQLSTATE 22012)")) {
            _ = try await PostgresFixture.records(failing)
        }
        // A failed read closes its connection; the next read opens another.
        #expect(try await PostgresFixture.records(rows).count == 3)
        #expect(await pool.statistics.opened == 2)
        await resources.shutdown()
    }

    @Test func aSlowConsumerGetsEveryRowInOrder() async throws {
        let source = try PostgresFixture.source(
            ["query": "SELECT g, repeat(md5(g::text), 8) AS pad FROM generate_series(1, 150000) g"], batchSize: 10_000)
        let reader = try await source.open()
        var next = 1
        var batches = 0
        while let chunk = try await reader.next() {
            batches += 1
            guard case .ints(let ids) = chunk.batch.columns[0].storage else {
                Issue.record("g is not an int column")
                return
            }
            #expect(ids.first == next)
            next += ids.count
            // The server gets ahead while this consumer sleeps, and has to wait for it.
            try await Task.sleep(for: .milliseconds(30))
        }
        #expect(next == 150_001)
        #expect(batches == 15)
    }

    @Test func anIncrementalBoundIsWrittenIntoTheCopyAsALiteral() async throws {
        let table = PostgresFixture.uniqueTable("inc")
        try await PostgresFixture.psql("""
            CREATE TABLE \(table) (id int8, at timestamptz, name text);
            INSERT INTO \(table) VALUES (1, '2024-01-01 00:00:00+00', 'a'), (2, '2024-01-02 12:00:00.5+00', 'a$sluice$b'),
              (3, '2024-01-03 00:00:00+00', 'it''s'), (4, '1999-12-31 23:59:59+00', E'back\\\\slash'), (5, NULL, '$sluice'), (6, '2030-01-01', 'zz');
            """)
        try await withAsyncCleanup {
            guard let from = Timestamp(iso8601: "2024-01-02T12:00:00.5Z") else {
                Issue.record("bad timestamp")
                return
            }
            let bounds: [(field: String, value: Value, ids: [Int])] = [
                ("id", 3, [3, 4, 5, 6]), ("id", 2.5, [3, 4, 5, 6]), ("at", .timestamp(from), [2, 3, 6]), ("name", "a$sluice", [2, 3, 4, 6]),
                ("name", "it's", [3, 6]), ("name", "back\\", [3, 4, 6]), ("name", "$sluice$", [1, 2, 3, 4, 6]),
            ]
            for bound in bounds {
                let copy = try PostgresFixture.source(["table": .string(table)]).readingFrom(bound.value, of: bound.field)
                let rows = try PostgresFixture.source(["table": .string(table), "where": "$1::bool", "parameters": [true]])
                    .readingFrom(bound.value, of: bound.field)
                #expect((copy as? PostgresSource)?.copySQL != nil)
                #expect((rows as? PostgresSource)?.copySQL == nil)
                func ids(_ records: [Value]) -> [Int] {
                    records.compactMap { record -> Int? in
                        if case .int(let id)? = record.objectValue?["id"] { return id }
                        return nil
                    }.sorted()
                }
                let copied = try await PostgresFixture.records(try #require(copy as? PostgresSource))
                let streamed = try await PostgresFixture.records(try #require(rows as? PostgresSource))
                #expect(ids(copied) == bound.ids, "\(bound.field) >= \(bound.value)")
                #expect(ids(streamed) == bound.ids, "\(bound.field) >= \(bound.value)")
            }
            #expect(PostgresSource.dollarQuoted("x") == "$sluice$x$sluice$")
            #expect(PostgresSource.dollarQuoted("a$sluice$b") == "$sluice1$a$sluice$b$sluice1$")
            #expect(PostgresSource.dollarQuoted("ends $sluice") == "$sluice1$ends $sluice$sluice1$")
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }
}

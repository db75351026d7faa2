import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// `postgres_cdc` against the real PostgreSQL 15 server (`SLUICE_TEST_POSTGRES_URL`).
@Suite struct PostgresCDCSourceTests {
    /// A record without its `lsn` and `commitTime`, which the server decides.
    private func stable(_ record: ValueObject) -> Value {
        var record = record
        record["lsn"] = nil
        record["commitTime"] = nil
        return .object(record)
    }

    private func row(_ op: String, _ table: String, key: Value, before: Value, after: Value, xid: Int) -> Value {
        ["op": .string(op), "schema": "public", "table": .string(table), "key": key, "before": before, "after": after, "xid": .int(xid)]
    }

    private func lsn(_ record: ValueObject) -> PostgresCDCLSN? { record["lsn"]?.stringValue.flatMap(PostgresCDCLSN.init) }

    @Test func changesInOrderReplayedUntilConfirmed() async throws {
        try await PostgresCDCFixture.with { f in
            let acct = f.table("acct")
            let hist = f.table("hist")
            try await f.execute(
                "CREATE TABLE \(acct) (id int PRIMARY KEY, name text, balance numeric)",
                "CREATE TABLE \(hist) (id int PRIMARY KEY, note text)",
                "ALTER TABLE \(hist) REPLICA IDENTITY FULL")
            let source = try f.source(["tables": [.string(acct), .string(hist)]], batchSize: 2)
            let first = try await f.read(source)
            #expect(first.records.isEmpty)
            try await first.reader.targetCommitted()

            let x1 = try await f.transaction("INSERT INTO \(acct) VALUES (1, 'ann', 10.5), (2, 'bob', 20)", "INSERT INTO \(hist) VALUES (1, 'a')")
            let x2 = try await f.transaction(
                "UPDATE \(acct) SET balance = 11 WHERE id = 1", "UPDATE \(acct) SET id = 3 WHERE id = 2",
                "UPDATE \(hist) SET note = 'b' WHERE id = 1")
            let x3 = try await f.transaction("DELETE FROM \(acct) WHERE id = 1", "DELETE FROM \(hist) WHERE id = 1")
            let x4 = try await f.transaction("TRUNCATE \(acct), \(hist)")
            let confirmedBefore = try await f.confirmedLSN()

            let read = try await f.read(source)
            #expect(read.records.map(stable) == [
                row("insert", acct, key: ["id": 1], before: nil, after: ["id": 1, "name": "ann", "balance": 10.5], xid: x1),
                row("insert", acct, key: ["id": 2], before: nil, after: ["id": 2, "name": "bob", "balance": 20], xid: x1),
                row("insert", hist, key: ["id": 1], before: nil, after: ["id": 1, "note": "a"], xid: x1),
                row("update", acct, key: ["id": 1], before: nil, after: ["id": 1, "name": "ann", "balance": 11], xid: x2),
                row("update", acct, key: ["id": 3], before: ["id": 2], after: ["id": 3, "name": "bob", "balance": 20], xid: x2),
                row("update", hist, key: ["id": 1], before: ["id": 1, "note": "a"], after: ["id": 1, "note": "b"], xid: x2),
                row("delete", acct, key: ["id": 1], before: ["id": 1], after: nil, xid: x3),
                row("delete", hist, key: ["id": 1], before: ["id": 1, "note": "b"], after: nil, xid: x3),
                row("truncate", acct, key: nil, before: nil, after: nil, xid: x4),
                row("truncate", hist, key: nil, before: nil, after: nil, xid: x4),
            ])
            // Positions ascend (the two truncate records share the TRUNCATE's position).
            let lsns = read.records.compactMap(lsn)
            #expect(lsns.count == 10)
            #expect(zip(lsns, lsns.dropFirst()).allSatisfy { $0 < $1 || ($0 == $1) })
            #expect(Set(lsns).count == 9)
            // One commit time per transaction, all recent.
            let times = read.records.map { $0["commitTime"] }
            #expect(Set(times.map { $0?.description ?? "" }).count == 4)
            for time in times {
                guard case .timestamp(let at)? = time else {
                    Issue.record("commitTime is \(String(describing: time))")
                    continue
                }
                #expect(abs(at.milliseconds - Timestamp.now().milliseconds) < 120_000)
            }

            // Not confirmed: the same changes again, nothing lost.
            #expect(try await f.confirmedLSN() == confirmedBefore)
            let replay = try await f.read(source)
            #expect(replay.records == read.records)

            // Confirmed: only newer changes.
            try await replay.reader.targetCommitted()
            let confirmed = try #require(try await f.confirmedLSN())
            #expect(confirmed > (lsns.last ?? PostgresCDCLSN(0)))
            let x5 = try await f.transaction("INSERT INTO \(acct) VALUES (4, 'cy', NULL)")
            let newer = try await f.read(source)
            #expect(newer.records.map(stable) == [
                row("insert", acct, key: ["id": 4], before: nil, after: ["id": 4, "name": "cy", "balance": nil], xid: x5)
            ])
            try await newer.reader.targetCommitted()
            try await newer.reader.targetCommitted()
            #expect(try await f.read(source).records.isEmpty)
        }
    }

    @Test func maxChangesStopsAtTransactionEnds() async throws {
        try await PostgresCDCFixture.with { f in
            let table = f.table("capped")
            try await f.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
            let tables: Value = [.string(table)]
            let first = try await f.read(try f.source(["tables": tables]))
            try await first.reader.targetCommitted()
            let xa = try await f.transaction("INSERT INTO \(table) VALUES (1)", "INSERT INTO \(table) VALUES (2)")
            let xb = try await f.transaction("INSERT INTO \(table) VALUES (3), (4), (5)")
            let xc = try await f.transaction("INSERT INTO \(table) VALUES (6)")
            func ids(_ records: [ValueObject]) -> [Value] { records.map { $0["after"]?.value(atPath: "id") ?? nil } }
            func xids(_ records: [ValueObject]) -> [Value] { records.map { $0["xid"] ?? nil } }

            // One change asked for: the whole first transaction.
            let capped = try f.source(["tables": tables, "maxChanges": 1], batchSize: 1)
            let one = try await f.read(capped)
            #expect(ids(one.records) == [1, 2])
            #expect(xids(one.records) == [.int(xa), .int(xa)])
            #expect(try await f.read(capped).records == one.records)
            try await one.reader.targetCommitted()

            // Three asked for: the next transaction has exactly three; the third is kept.
            let three = try await f.read(try f.source(["tables": tables, "maxChanges": 3]))
            #expect(ids(three.records) == [3, 4, 5])
            #expect(xids(three.records) == [.int(xb), .int(xb), .int(xb)])
            try await three.reader.targetCommitted()

            let rest = try await f.read(try f.source(["tables": tables, "maxChanges": 100]))
            #expect(ids(rest.records) == [6])
            #expect(xids(rest.records) == [.int(xc)])
            try await rest.reader.targetCommitted()
            #expect(try await f.read(try f.source(["tables": tables])).records.isEmpty)
        }
    }

    @Test func serverRowBoundIsNotReadToTheEnd() async throws {
        try await PostgresCDCFixture.with { f in
            let table = f.table("bound")
            try await f.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
            let tables: Value = [.string(table)]
            try await f.read(try f.source(["tables": tables])).reader.targetCommitted()
            try await f.transaction("INSERT INTO \(table) VALUES (1)")
            try await f.transaction("INSERT INTO \(table) VALUES (2)")
            // Begin, Relation, Insert, Commit: the server stops after the first transaction.
            var bounded = try f.source(["tables": tables, "maxChanges": 100])
            #expect(bounded.rowLimit == 464)
            bounded.rowLimit = 4
            let first = try await f.read(bounded)
            #expect(first.records.map { $0["key"] } == [["id": 1]])
            try await first.reader.targetCommitted()
            let rest = try await f.read(try f.source(["tables": tables]))
            #expect(rest.records.map { $0["key"] } == [["id": 2]])
        }
    }

    @Test func typesRoundTrip() async throws {
        try await PostgresCDCFixture.with { f in
            let table = f.table("types")
            try await f.execute("""
                CREATE TABLE \(table) (id int8 PRIMARY KEY, n numeric, ts timestamptz, d date, j jsonb, b bytea, s text,
                    f float8, ok bool, arr int4[], tags text[], nothing text, t timestamp, u uuid)
                """)
            let source = try f.source(["tables": [.string(table)]])
            try await f.read(source).reader.targetCommitted()
            try await f.transaction(
                """
                INSERT INTO \(table) VALUES (9223372036854775807, 12345678901234567.89, '2024-03-10 12:00:00.123456+05:30',
                    '2024-02-29', '{"a": [1, 2.5, null], "b": "x"}', '\\x000102fffe', 'héllo 🌍 "q" \\ z', 1.5, true,
                    '{1,NULL,3}', '{"a b",c}', NULL, '2024-01-02 03:04:05', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')
                """,
                """
                INSERT INTO \(table) VALUES (-9223372036854775808, 0.1, '1999-12-31 23:59:59-01', '1970-01-01', '[]', '\\x', '',
                    -0.25, false, '{}', '{}', NULL, 'infinity', NULL)
                """,
                "INSERT INTO \(table) (id, n) VALUES (0, 42.000)")
            let records = try await f.read(source).records
            let ts = try #require(Timestamp(iso8601: "2024-03-10T06:30:00.123456Z"))
            let t = try #require(Timestamp(iso8601: "2024-01-02T03:04:05Z"))
            let ts2 = try #require(Timestamp(iso8601: "2000-01-01T00:59:59Z"))
            let leap = try #require(Timestamp(iso8601: "2024-02-29T00:00:00Z"))
            let epoch = Timestamp(microseconds: 0)
            let nulls: [(String, Value)] = [
                ("ts", nil), ("d", nil), ("j", nil), ("b", nil), ("s", nil), ("f", nil), ("ok", nil), ("arr", nil), ("tags", nil),
                ("nothing", nil), ("t", nil), ("u", nil),
            ]
            #expect(records.map { $0["after"] } == [
                [
                    "id": .int(Int.max), "n": "12345678901234567.89", "ts": .timestamp(ts), "d": .timestamp(leap),
                    "j": ["a": [1, 2.5, nil], "b": "x"], "b": "AAEC//4=", "s": "héllo 🌍 \"q\" \\ z", "f": 1.5, "ok": true,
                    "arr": [1, nil, 3], "tags": ["a b", "c"], "nothing": nil, "t": .timestamp(t), "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                ],
                [
                    "id": .int(Int.min), "n": 0.1, "ts": .timestamp(ts2), "d": .timestamp(epoch), "j": [], "b": "", "s": "",
                    "f": -0.25, "ok": false, "arr": [], "tags": [], "nothing": nil, "t": "infinity", "u": nil,
                ],
                .object(ValueObject([("id", 0), ("n", 42)] + nulls)),
            ])
            #expect(records.map { $0["key"] } == [["id": .int(Int.max)], ["id": .int(Int.min)], ["id": 0]])
        }
    }

    @Test func createsPublicationAndSlot() async throws {
        try await PostgresCDCFixture.with { f in
            let one = f.table("pub_a")
            let two = f.table("pub_b")
            try await f.execute("CREATE TABLE \(one) (id int PRIMARY KEY)", "CREATE TABLE \(two) (id int PRIMARY KEY)")
            #expect(try await f.text("SELECT slot_name::text FROM pg_replication_slots WHERE slot_name = '\(f.slot)'") == nil)
            let source = try f.source(["tables": [.string(one), .string("public.\(two)")]])
            try await f.read(source).reader.targetCommitted()
            #expect(try await f.text("SELECT plugin::text FROM pg_replication_slots WHERE slot_name = '\(f.slot)'") == "pgoutput")
            #expect(try await f.text("""
                SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY tablename) FROM pg_publication_tables
                WHERE pubname = '\(f.publication)'
                """) == "public.\(one),public.\(two)")
            // A second source finds both as they are.
            try await f.read(try f.source(["tables": [.string(one)]])).reader.targetCommitted()
            // An existing publication must publish the configured tables.
            let three = f.table("pub_c")
            try await f.execute("CREATE TABLE \(three) (id int PRIMARY KEY)")
            do {
                _ = try await f.source(["tables": [.string(one), .string(three)]]).open()
                Issue.record("opened with a table the publication leaves out")
            } catch {
                #expect("\(error)" == "publication '\(f.publication)' exists but does not publish 'public.\(three)': add them with "
                    + "ALTER PUBLICATION … ADD TABLE, or drop the publication so that it is created with the configured tables")
            }
        }
    }

    @Test func publicationForAllTablesInItsOwnDatabase() async throws {
        // FOR ALL TABLES would make every table of the shared test database publish updates, so
        // this test makes a database of its own.
        let base = try TestDatabases.postgresURL()
        let database = TestDatabases.uniqueName("cdc_db")
        guard var components = URLComponents(string: base) else { throw ConnectorError.io("bad URL \(base)") }
        components.path = "/" + database
        let url = try #require(components.string)
        try await PostgresCDCFixture.with { admin in
            try await admin.execute("CREATE DATABASE \(database)")
            do {
                try await PostgresCDCFixture.with(url: url) { f in
                    let table = f.table("every")
                    try await f.execute("CREATE TABLE \(table) (id int PRIMARY KEY, v text)")
                    let source = try f.source()
                    try await f.read(source).reader.targetCommitted()
                    #expect(try await f.text("SELECT puballtables::text FROM pg_publication WHERE pubname = '\(f.publication)'") == "true")
                    let xid = try await f.transaction("INSERT INTO \(table) VALUES (1, 'x')")
                    let records = try await f.read(source).records
                    #expect(records.map(stable) == [row("insert", table, key: ["id": 1], before: nil, after: ["id": 1, "v": "x"], xid: xid)])
                }
            } catch {
                try await admin.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
                throw error
            }
            try await admin.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        }
    }

    @Test func missingOrForeignSlotsAreErrors() async throws {
        try await PostgresCDCFixture.with { f in
            let table = f.table("slots")
            try await f.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
            do {
                _ = try await f.source(["tables": [.string(table)], "createSlot": false]).open()
                Issue.record("opened a missing slot")
            } catch {
                #expect("\(error)" == "replication slot '\(f.slot)' does not exist (createSlot is false)")
            }
            try await f.execute("SELECT pg_create_logical_replication_slot('\(f.slot)', 'test_decoding')")
            do {
                _ = try await f.source(["tables": [.string(table)]]).open()
                Issue.record("opened a test_decoding slot")
            } catch {
                #expect("\(error)" == "replication slot '\(f.slot)' is a logical slot of plugin 'test_decoding', not a logical pgoutput slot")
            }
        }
    }

    @Test func droppedReaderGivesItsConnectionBack() async throws {
        try await PostgresCDCFixture.with { f in
            let table = f.table("dropped")
            try await f.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
            let source = try f.source(["tables": [.string(table)]], batchSize: 1)
            try await f.read(source).reader.targetCommitted()
            try await f.transaction("INSERT INTO \(table) VALUES (1), (2), (3)")
            var reader: (any BatchReader)? = try await source.open()
            #expect(try await reader?.next()?.batch.count == 1)
            reader = nil
            let pool = try source.endpoint.pool(in: f.resources)
            var statistics = await pool.statistics
            for _ in 0..<100 where statistics.open > 0 {
                try await Task.sleep(for: .milliseconds(20))
                statistics = await pool.statistics
            }
            #expect(statistics.open == 0)
            #expect(statistics.closed == statistics.opened)
            // Nothing was confirmed: all three are read again.
            #expect(try await f.read(source).records.count == 3)
        }
    }
}

import Logging
import SQLiteNIO
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Incremental loads from database sources, whose SQL pushes the watermark down: the rows
/// the database returns must include every row past the watermark, whatever the column's
/// type or collation, and the engine then keeps exactly those.
@Suite struct IncrementalDatabaseTests {
    struct Harness {
        let dir: TemporaryDirectory
        let store: SQLiteStateStore
        let service: JobService

        init() async throws {
            dir = try TemporaryDirectory()
            store = try await SQLiteStateStore.open(path: dir.file("state.db"))
            let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 2, environment: [:])
            service = JobService(store: store, planner: planner, logger: Logger(label: "test"))
        }

        func run(_ json: String) async throws -> JobRecord {
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            let (record, plan) = try await service.submit(spec)
            return try await service.run(record, plan: plan)
        }

        /// The `id`s written to the NDJSON target, in order.
        func loadedIDs() throws -> [Int] {
            try dir.read("out.ndjson").split(separator: "\n").compactMap { line in
                guard case .object(let o) = try JSONParser.parse(String(line)), case .int(let id)? = o["id"] else { return nil }
                return id
            }
        }

        func close() async throws {
            try await store.close()
            dir.remove()
        }
    }

    /// An `initialValue` written as ISO text against a DATETIME column SQLite stores as
    /// `2024-01-01 10:00:00`: compared as text the row would sort before the bound (' ' < 'T')
    /// and be lost; it is loaded.
    @Test func sqliteInitialValueAsTextKeepsRowsOfTheSameDay() async throws {
        let h = try await Harness()
        let db = try await SQLiteConnection.open(storage: .file(path: h.dir.file("in.db")))
        _ = try await db.query("CREATE TABLE t (id INTEGER PRIMARY KEY, at DATETIME, name TEXT COLLATE NOCASE)")
        _ = try await db.query("INSERT INTO t VALUES (1, '2023-12-31 23:00:00', 'b'), (2, '2024-01-01 10:00:00', 'B'), (3, '2024-01-02 00:00:00', 'a')")
        try await db.close()
        let byTime = #"""
            {"name":"t","source":{"type":"sqlite","config":{"path":"\#(h.dir.file("in.db"))","table":"t"},
               "incremental":{"cursorField":"at","initialValue":"2024-01-01T00:00:00Z","keyFields":["id"]}},
             "target":{"type":"file","config":{"path":"\#(h.dir.file("out.ndjson"))"}}}
            """#
        #expect(try await h.run(byTime).stats?.recordsLoaded == 2)
        #expect(try h.loadedIDs() == [2, 3])
        // Text cursors compare by code point, not by the column's NOCASE collation: 'B' < 'a' < 'b'.
        let byName = #"""
            {"name":"t","source":{"type":"sqlite","config":{"path":"\#(h.dir.file("in.db"))","table":"t"},
               "incremental":{"cursorField":"name","initialValue":"B","keyFields":["id"]}},
             "target":{"type":"file","config":{"path":"\#(h.dir.file("out.ndjson"))"}}}
            """#
        #expect(try await h.run(byName).stats?.recordsLoaded == 3)
        try await h.close()
    }

    /// MariaDB: DATETIME(6) cursor with rows sharing the boundary instant, an insert between
    /// runs at that instant, and a case-insensitive text column.
    @Test func mariadbSourceLoadsOnlyNewRowsAcrossRuns() async throws {
        let url = try TestDatabases.mariadbURL()
        let table = TestDatabases.uniqueName("inc")
        _ = try await CommandLineClient.mariadb(url, """
            CREATE TABLE \(table) (id INT PRIMARY KEY, at DATETIME(6) NOT NULL, name VARCHAR(20) COLLATE utf8mb4_unicode_ci);
            INSERT INTO \(table) VALUES (1, '2024-01-01 00:00:00', 'x'), (2, '2024-01-01 10:00:00.5', 'y'), (3, '2024-01-01 10:00:00.5', 'z');
            """)
        try await withAsyncCleanup {
            let h = try await Harness()
            let job = #"""
                {"name":"m","source":{"type":"mysql","config":{"url":"\#(url)","table":"\#(table)"},
                   "incremental":{"cursorField":"at","initialValue":"2024-01-01T00:00:00Z","keyFields":["id"]}},
                 "target":{"type":"file","config":{"path":"\#(h.dir.file("out.ndjson"))"}}}
                """#
            #expect(try await h.run(job).stats?.recordsLoaded == 3)
            _ = try await CommandLineClient.mariadb(url, "INSERT INTO \(table) VALUES (4, '2024-01-01 10:00:00.5', 'w'), (5, '2024-01-01 10:00:00.4', 'late'), (6, '2024-01-02 00:00:00', 'v')")
            let second = try await h.run(job)
            #expect(second.stats?.recordsExtracted == 2)
            #expect(try h.loadedIDs() == [4, 6])
            let third = try await h.run(job)
            #expect(third.stats?.recordsExtracted == 0)
            let byName = #"""
                {"name":"m","source":{"type":"mysql","config":{"url":"\#(url)","table":"\#(table)"},
                   "incremental":{"cursorField":"name","initialValue":"Y","keyFields":["id"]}},
                 "target":{"type":"file","config":{"path":"\#(h.dir.file("out.ndjson"))"}}}
                """#
            // Code point order: 'Y' < 'late' < 'v' < 'w' < 'x' < 'y' < 'z' — every row but none before 'Y'.
            #expect(try await h.run(byName).stats?.recordsLoaded == 6)
            try await h.close()
        } cleanup: {
            _ = try? await CommandLineClient.mariadb(url, "DROP TABLE \(table)")
        }
    }

    /// PostgreSQL: a timestamptz cursor across runs (boundary rows, an insert at the boundary
    /// instant), a `timestamp` cursor read as UTC, and a text cursor on a column whose ICU
    /// collation sorts 'a' before 'B' while the engine (and byte order) puts 'B' first.
    @Test func postgresSourceLoadsOnlyNewRowsAcrossRuns() async throws {
        let url = try TestDatabases.postgresURL()
        let table = TestDatabases.uniqueName("inc")
        _ = try await CommandLineClient.psql(url, """
            CREATE TABLE \(table) (id int PRIMARY KEY, at timestamptz NOT NULL, local timestamp, name text COLLATE "und-x-icu");
            INSERT INTO \(table) VALUES (1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00', 'B'),
              (2, '2024-01-01 10:00:00.5+00', '2024-01-01 10:00:00.5', 'a'), (3, '2024-01-01 12:00:00.5+02', '2024-01-01 10:00:00.5', 'c');
            """)
        try await withAsyncCleanup {
            let h = try await Harness()
            func job(_ cursor: String, _ initial: String) -> String {
                #"""
                {"name":"p","source":{"type":"postgres","config":{"url":"\#(url)","table":"\#(table)"},
                   "incremental":{"cursorField":"\#(cursor)","initialValue":"\#(initial)","keyFields":["id"],"stateKey":"\#(cursor)"}},
                 "target":{"type":"file","config":{"path":"\#(h.dir.file("out.ndjson"))"}}}
                """#
            }
            #expect(try await h.run(job("at", "2024-01-01T00:00:00Z")).stats?.recordsLoaded == 3)
            #expect(try await h.run(job("local", "2024-01-01T00:00:00Z")).stats?.recordsLoaded == 3)
            #expect(try await h.run(job("name", "B")).stats?.recordsLoaded == 3)
            _ = try await CommandLineClient.psql(url, """
                INSERT INTO \(table) VALUES (4, '2024-01-01 10:00:00.5+00', '2024-01-01 10:00:00.5', 'b'),
                  (5, '2024-01-01 10:00:00.4+00', '2024-01-01 10:00:00.4', 'A'), (6, '2024-01-02 00:00:00+00', '2024-01-02 00:00:00', 'Z')
                """)
            let second = try await h.run(job("at", "2024-01-01T00:00:00Z"))
            #expect(second.stats?.recordsExtracted == 2)
            #expect(try h.loadedIDs() == [4, 6])
            #expect(try await h.run(job("local", "2024-01-01T00:00:00Z")).stats?.recordsExtracted == 2)
            // After 'c': 'Z' (0x5A) sorts before 'c' and 'A' before it too; only nothing new past 'c'.
            #expect(try await h.run(job("name", "B")).stats?.recordsExtracted == 0)
            try await h.close()
        } cleanup: {
            _ = try? await CommandLineClient.psql(url, "DROP TABLE \(table)")
        }
    }
}

import Foundation
import Logging
import SQLiteNIO
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Database targets load all or nothing by default: a job that fails or is cancelled after
/// several batches were written leaves the table exactly as it was (compared as a full dump:
/// the row count and every row in key order, read with the databases' own clients), a rerun
/// of an `insert` job after a failure loads each row once, and `commit: "batch"` keeps the
/// batches written before a failure. Jobs are planned and run by the engine, on real SQLite,
/// PostgreSQL and MariaDB databases, with a ``ScriptedSource`` that stops at an exact batch.
@Suite struct AtomicDatabaseLoadTests {
    static let databases = ["sqlite", "postgres", "mysql"]

    /// Records per batch the scripted source yields.
    static let rows = 100

    // MARK: - Failures

    /// A source that fails after 4 batches (400 records written into the job's transaction),
    /// in every mode, into a table with rows and into a missing one.
    @Test(arguments: databases)
    func aJobThatFailsMidwayLeavesTheTableAsItWas(database: String) async throws {
        let db = try TestDatabase(database)
        defer { db.close() }
        for mode in ["insert", "upsert", "replace"] {
            for existing in [true, false] {
                let table = TestDatabases.uniqueName("fail_\(mode)")
                try await withAsyncCleanup {
                    if existing { try await db.createTableWithRows(table) }
                    let before = try await db.dump(table)
                    // Ids 51… overlap the existing rows 51–100: insert refuses those, upsert updates them.
                    let outcome = try await db.run(
                        source: db.scripted(#"{"rows": \#(Self.rows), "batches": 4, "firstID": 51, "then": "fail"}"#),
                        target: db.targetConfig(table, mode: mode, keys: mode == "upsert"))
                    let what = "\(database) \(mode) \(existing ? "existing" : "new") table"
                    #expect(outcome.failure == "the scripted source failed after its batches", "\(what)")
                    #expect(outcome.stats.recordsLoaded == (mode == "insert" && existing ? 350 : 400), "\(what)")
                    #expect(try await db.dump(table) == before, "\(what)")
                } cleanup: {
                    await db.drop(table)
                }
            }
        }
        #expect(try await db.dump("never_there") == TableDump.absent)
    }

    /// A JSON document with a syntax error after 1.3 MB: the file source streams the records
    /// before it (tens of batches written) and then fails the job.
    @Test(arguments: databases)
    func aMalformedJSONDocumentLeavesTheTableAsItWas(database: String) async throws {
        let db = try TestDatabase(database)
        defer { db.close() }
        let records = (101...40_100).map { #"{"id": \#($0), "name": "new \#($0)", "amount": \#(Double($0) * 1.5)}"# }
        let text = "[" + records.joined(separator: ",\n") + #", {"id": 40101, "name": }]"#
        let file = try db.dir.write("broken.json", text)
        // The `}` where a value belongs, on the 40,000th line, 2 bytes before the end.
        let error = "line 40000: invalid JSON at byte \(text.utf8.count - 2): unexpected character '}'"
        for existing in [true, false] {
            let table = TestDatabases.uniqueName("json")
            try await withAsyncCleanup {
                if existing { try await db.createTableWithRows(table) }
                let before = try await db.dump(table)
                let outcome = try await db.run(
                    source: #"{"type": "file", "config": {"path": "\#(file)"}}"#, target: db.targetConfig(table, mode: "insert", keys: false))
                #expect(outcome.failure == error)
                #expect(outcome.stats.recordsLoaded >= 10 * Self.rows, "the job failed before writing several batches")
                #expect(try await db.dump(table) == before, "\(database) \(existing ? "existing" : "new") table")
            } cleanup: {
                await db.drop(table)
            }
        }
    }

    /// The run is cancelled (a schedule's timeout, a shutdown) while the source holds after
    /// 3 written batches.
    @Test(arguments: databases)
    func aCancelledRunLeavesTheTableAsItWas(database: String) async throws {
        let db = try TestDatabase(database)
        defer { db.close() }
        for (mode, existing) in [("insert", true), ("upsert", true), ("insert", false)] {
            let table = TestDatabases.uniqueName("cancel")
            try await withAsyncCleanup {
                if existing { try await db.createTableWithRows(table) }
                let before = try await db.dump(table)
                let key = TestDatabases.uniqueName("hold")
                let holds = ScriptedSource.Holds.stream(key)
                let plan = try db.plan(
                    source: db.scripted(#"{"rows": \#(Self.rows), "batches": 3, "firstID": 1001, "then": "hold", "hold": "\#(key)"}"#),
                    target: db.targetConfig(table, mode: mode, keys: mode == "upsert"))
                let run = Task {
                    let outcome = await JobRunner.run(plan, logger: Logger(label: "atomic"))
                    ScriptedSource.Holds.finish(key)
                    return outcome
                }
                var signals = holds.makeAsyncIterator()
                let held = await signals.next() != nil
                #expect(held, "the run ended before its source held")
                run.cancel()
                let outcome = await run.value
                #expect(outcome.failure == "cancelled: the run was stopped before it finished (a timeout or shutdown); the target was left untouched")
                #expect(outcome.stats.recordsLoaded == 300)
                #expect(try await db.dump(table) == before, "\(database) \(mode) \(existing ? "existing" : "new") table")
            } cleanup: {
                await db.drop(table)
            }
        }
    }

    /// The same `insert` job (no unique key: nothing would stop duplicates) fails after 400
    /// records, then runs to its end: the table holds each of the 1000 records once.
    @Test(arguments: databases)
    func rerunningAnInsertJobAfterAFailureLoadsEachRowOnce(database: String) async throws {
        let db = try TestDatabase(database)
        defer { db.close() }
        for existing in [false, true] {
            let table = TestDatabases.uniqueName("rerun")
            try await withAsyncCleanup {
                if existing { try await db.createTableWithoutKey(table) }
                let target = db.targetConfig(table, mode: "insert", keys: false)
                let failed = try await db.run(source: db.scripted(#"{"rows": \#(Self.rows), "batches": 4, "firstID": 1001, "then": "fail"}"#), target: target)
                #expect(failed.failure != nil)
                #expect(failed.stats.recordsLoaded == 400)
                let done = try await db.run(source: db.scripted(#"{"rows": \#(Self.rows), "batches": 10, "firstID": 1001}"#), target: target)
                #expect(done.failure == nil)
                #expect(done.stats.recordsLoaded == 1000)
                // Ids 1001…2000 once each (sum 1_500_500), plus the 3 rows that were there.
                let expected = existing ? "1003|1003|1500506" : "1000|1000|1500500"
                #expect(try await db.scalar("SELECT \(db.concat(["COUNT(*)", "COUNT(DISTINCT id)", "SUM(id)"])) FROM \(table)") == expected)
            } cleanup: {
                await db.drop(table)
            }
        }
    }

    /// A job reading one table of a SQLite file into another table of the same file: the
    /// job's 12 MB transaction stays in its page cache, so the source's reads are not locked
    /// out (with SQLite's default 2 MB cache the writer would take the file's exclusive lock
    /// at its first spill, and the source fail with "database is locked").
    @Test func sqliteJobReadingAndWritingOneFileCommitsOnce() async throws {
        let db = try TestDatabase("sqlite")
        defer { db.close() }
        try await db.sqliteExecute([
            "CREATE TABLE source (id INTEGER PRIMARY KEY, name TEXT, amount REAL)",
            "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 100000) "
                + "INSERT INTO source SELECT i, 'name ' || i || ' ' || hex(randomblob(40)), i * 1.5 FROM g",
        ])
        let outcome = try await db.run(
            source: #"{"type": "sqlite", "config": {"path": "\#(db.sqlitePath)", "table": "source"}}"#,
            target: db.targetConfig("copy", mode: "insert", keys: false))
        #expect(outcome.failure == nil)
        #expect(outcome.stats.recordsLoaded == 100_000)
        let line = db.concat(["id", "name", "amount"], separator: ":")
        #expect(
            try await db.scalar("SELECT count(*) FROM (SELECT \(line) FROM source EXCEPT SELECT \(line) FROM copy)") == "0")
        #expect(try await db.scalar("SELECT \(db.concat(["count(*)", "sum(id)"])) FROM copy") == "100000|5000050000")
    }

    // MARK: - commit: "batch"

    /// With `commit: "batch"` each batch is committed as it is written: after the failure
    /// the 4 batches written before it are in the table, exactly.
    @Test(arguments: databases)
    func commitBatchKeepsTheBatchesWrittenBeforeAFailure(database: String) async throws {
        let db = try TestDatabase(database)
        defer { db.close() }
        for existing in [false, true] {
            let table = TestDatabases.uniqueName("batch")
            try await withAsyncCleanup {
                if existing { try await db.createTableWithRows(table) }
                let outcome = try await db.run(
                    source: db.scripted(#"{"rows": \#(Self.rows), "batches": 4, "firstID": 1001, "then": "fail"}"#),
                    target: db.targetConfig(table, mode: "insert", keys: false, commit: "batch"))
                #expect(outcome.failure == "the scripted source failed after its batches")
                // Ids 1001…1400 (sum 480_200), plus rows 1…100 (sum 5050) when the table had them.
                let expected = existing ? "500|1|1400|485250" : "400|1001|1400|480200"
                #expect(
                    try await db.scalar("SELECT \(db.concat(["COUNT(*)", "MIN(id)", "MAX(id)", "SUM(id)"])) FROM \(table)") == expected,
                    "\(database) \(existing ? "existing" : "new") table")
            } cleanup: {
                await db.drop(table)
            }
        }
    }

    /// An incremental job saves its watermark with its rows, so its target commits once:
    /// `commit: "batch"` is a plan error (HTTP 400) at `target.config.commit`.
    @Test(arguments: databases)
    func anIncrementalJobRefusesCommitBatch(database: String) async throws {
        let db = try TestDatabase(database)
        defer { db.close() }
        let message =
            "an incremental job commits once per job, so that its rows and its new watermark are saved together "
            + "(a run that fails leaves neither, and the next run loads the same rows exactly once); remove commit or set it to \"job\""
        func spec(_ commit: String) throws -> JobSpec {
            let json = #"""
                {"name": "inc", "source": {"type": "scripted", "config": {"rows": 1, "batches": 1},
                                           "incremental": {"cursorField": "id"}},
                 "target": {"type": "\#(database)", "config": \#(db.targetConfig("inc_t", mode: "insert", keys: false, commit: commit))}}
                """#
            return try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        }
        let batchSpec = try spec("batch")
        do {
            _ = try db.planner.plan(batchSpec)
            Issue.record("an incremental job with commit \"batch\" was planned")
        } catch {
            #expect(error.errors == [SpecError(path: "target.config.commit", message)])
            #expect(error.forbidden == false)
        }
        _ = try db.planner.plan(try spec("job"))
    }
}

/// What a table holds, as the database's own client reads it.
enum TableDump: Equatable {
    case absent
    /// The row count and every row (`id:name:amount`) in id order.
    case rows(count: String, rows: String)
}

/// One of the test databases, with the planner of the scripted jobs and an independent
/// reader (sqlite-nio directly, `psql`, `mariadb`).
struct TestDatabase {
    let type: String
    let url: String?
    let dir: TemporaryDirectory
    let planner: JobPlanner

    init(_ type: String) throws {
        self.type = type
        switch type {
        case "postgres": url = try TestDatabases.postgresURL()
        case "mysql": url = try TestDatabases.mariadbURL()
        default: url = nil
        }
        dir = try TemporaryDirectory()
        var registry = ComponentRegistry.builtIn
        registry.registerSource(ScriptedSource.self)
        planner = JobPlanner(registry: registry, dataRoots: DataRoots([dir.path]), batchSize: 100, environment: [:])
    }

    var sqlitePath: String { dir.file("target.db") }

    func close() { dir.remove() }

    /// The target's config: the connection, `table`, `mode`, `keys: ["id"]` and `commit` as given.
    func targetConfig(_ table: String, mode: String, keys: Bool, commit: String? = nil) -> String {
        var config = url.map { #""url": "\#($0)""# } ?? #""path": "\#(sqlitePath)""#
        config += #", "table": "\#(table)", "mode": "\#(mode)""#
        if keys { config += #", "keys": ["id"]"# }
        if let commit { config += #", "commit": "\#(commit)""# }
        return "{\(config)}"
    }

    /// A job reading `source` (a source spec) into this database with the target's `config`.
    func plan(source: String, target: String) throws -> JobPlan {
        let json = #"""
            {"name": "atomic", "source": \#(source), "target": {"type": "\#(type)", "config": \#(target)}}
            """#
        return try planner.plan(try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json)))
    }

    /// The spec of a ``ScriptedSource`` with `config`.
    func scripted(_ config: String) -> String { #"{"type": "scripted", "config": \#(config)}"# }

    func run(source: String, target: String) async throws -> JobOutcome {
        await JobRunner.run(try plan(source: source, target: target), logger: Logger(label: "atomic"))
    }

    /// `(id PRIMARY KEY, name, amount)` with rows 1…100: `old <id>`, id × 2.
    func createTableWithRows(_ table: String) async throws {
        switch type {
        case "postgres":
            try await sql("CREATE TABLE \(table) (id bigint PRIMARY KEY, name text, amount double precision); "
                + "INSERT INTO \(table) SELECT g, 'old ' || g, g * 2 FROM generate_series(1, 100) g")
        case "mysql":
            try await sql("CREATE TABLE \(table) (id BIGINT PRIMARY KEY, name LONGTEXT, amount DOUBLE); "
                + "INSERT INTO \(table) SELECT seq, CONCAT('old ', seq), seq * 2 FROM seq_1_to_100")
        default:
            try await sqliteExecute([
                "CREATE TABLE \(table) (id INTEGER PRIMARY KEY, name TEXT, amount REAL)",
                "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 100) "
                    + "INSERT INTO \(table) SELECT i, 'old ' || i, i * 2 FROM g",
            ])
        }
    }

    /// `(id, name, amount)` without any key, with rows 1, 2, 3.
    func createTableWithoutKey(_ table: String) async throws {
        let create = "CREATE TABLE \(table) (id BIGINT, name \(type == "mysql" ? "LONGTEXT" : "TEXT"), amount DOUBLE PRECISION)"
        let insert = "INSERT INTO \(table) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)"
        if type == "sqlite" { try await sqliteExecute([create, insert]) } else { try await sql("\(create); \(insert)") }
    }

    /// The table's dump, or ``TableDump/absent``.
    func dump(_ table: String) async throws -> TableDump {
        let exists: String
        switch type {
        case "postgres": exists = try await sql("SELECT count(*) FROM pg_class WHERE relname = '\(table)'")
        case "mysql": exists = try await sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '\(table)'")
        default: exists = try await sqliteScalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '\(table)'")
        }
        guard exists != "0" else { return .absent }
        let line = concat(["id", "name", "amount"], separator: ":")
        let count = try await scalar("SELECT COUNT(*) FROM \(table)")
        let rows: String
        switch type {
        case "postgres": rows = try await sql("SELECT string_agg(\(line), E'\\n' ORDER BY id) FROM \(table)")
        case "mysql": rows = try await sql("SELECT GROUP_CONCAT(\(line) ORDER BY id SEPARATOR '\\n') FROM \(table)")
        default: rows = try await sqliteScalar("SELECT group_concat(line, char(10)) FROM (SELECT \(line) AS line FROM \(table) ORDER BY id)")
        }
        return .rows(count: count, rows: rows)
    }

    /// `parts` joined with `separator` in SQL, as text.
    func concat(_ parts: [String], separator: String = "|") -> String {
        switch type {
        case "mysql": return "CONCAT_WS('\(separator)', \(parts.joined(separator: ", ")))"
        default: return parts.map { "COALESCE(CAST(\($0) AS TEXT), '')" }.joined(separator: " || '\(separator)' || ")
        }
    }

    /// The first cell of `query`'s result, as text.
    func scalar(_ query: String) async throws -> String {
        type == "sqlite" ? try await sqliteScalar(query) : try await sql(query)
    }

    func drop(_ table: String) async {
        switch type {
        case "sqlite": break  // the directory goes with the test
        default: _ = try? await sql("DROP TABLE IF EXISTS \(table)")
        }
    }

    @discardableResult
    private func sql(_ text: String) async throws -> String {
        guard let url else { throw CommandLineClient.Failure(description: "no server for \(type)") }
        return type == "postgres" ? try await CommandLineClient.psql(url, text) : try await CommandLineClient.mariadb(url, text)
    }

    func sqliteExecute(_ statements: [String]) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: sqlitePath))
        do {
            for statement in statements { _ = try await connection.query(statement) }
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
    }

    private func sqliteScalar(_ query: String) async throws -> String {
        let connection = try await SQLiteConnection.open(storage: .file(path: sqlitePath))
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query(query)
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
        guard let data = rows.first?.columns.first?.data else { return "" }
        switch data {
        case .integer(let value): return String(value)
        case .float(let value): return String(value)
        case .text(let value): return value
        case .null: return ""
        case .blob: return "<blob>"
        }
    }
}

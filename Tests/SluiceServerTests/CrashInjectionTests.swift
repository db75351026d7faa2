import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Kills `sluice serve` with SIGKILL at random points of jobs writing to a file, a SQLite
/// table and a PostgreSQL table, then restarts it, again and again. After every kill:
/// - the target is exactly as before the job or exactly complete;
/// - the state database passes `PRAGMA integrity_check`;
/// - no job is left `running` or `pending`;
/// - no temporary file is left, neither beside the targets nor in the scratch ledgers;
/// - a rerun gives the exact result.
///
/// 21 kills by default (CI); `SLUICE_CRASH_ITERATIONS` sets more (`scripts/test.sh --long`).
@Suite(.serialized) struct CrashInjectionTests {
    static let rows = 60_000
    static let preexisting = 3

    enum TargetKind: CaseIterable { case file, sqlite, postgres }

    /// Everything one kill-and-restart cycle needs.
    struct Bench {
        let data: TemporaryDirectory
        let state: TemporaryDirectory
        let postgresURL: String
        let table: String
        var environment: [String: String] {
            ["SLUICE_STATE": state.file("state.db"), "SLUICE_DATA_DIRS": data.path, "SLUICE_SHUTDOWN_GRACE_S": "1"]
        }

        func job(_ kind: TargetKind, id: String) -> String {
            let target: String
            switch kind {
            case .file:
                target = #"{"type": "file", "config": {"path": "\#(data.file("out.ndjson"))"}}"#
            case .sqlite:
                target = #"{"type": "sqlite", "config": {"path": "\#(data.file("target.db"))", "table": "orders"}}"#
            case .postgres:
                target = #"{"type": "postgres", "config": {"url": "\#(postgresURL)", "table": "\#(table)"}}"#
            }
            return #"{"id": "\#(id)", "name": "crash", "source": {"type": "file", "config": {"path": "\#(data.file("in.csv"))"}}, "#
                + #""transforms": [{"operation": "add", "config": {"fields": {"twice": "amount * 2"}}}], "target": \#(target)}"#
        }

        /// The target's contents as a comparable text: the file's bytes, or the table's row
        /// count and sums.
        func snapshot(_ kind: TargetKind) async throws -> String {
            switch kind {
            case .file:
                return (try? String(contentsOfFile: data.file("out.ndjson"), encoding: .utf8)) ?? "<missing>"
            case .sqlite:
                // Opening the database rolls back a hot journal a killed writer left, as SQLite does.
                return try await Python.run(
                    "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*), sum(id), sum(twice) from orders').fetchone()); c.close()",
                    arguments: [data.file("target.db")]
                ).trimmingCharacters(in: .whitespacesAndNewlines)
            case .postgres:
                return try await CrashInjectionTests.psql(postgresURL, "SELECT count(*), sum(id), sum(twice) FROM \(table)")
            }
        }

        /// Puts the target back to its "before" state: an old file, or a table with three rows.
        func reset(_ kind: TargetKind) async throws {
            switch kind {
            case .file:
                try "{\"old\":true}\n".write(toFile: data.file("out.ndjson"), atomically: true, encoding: .utf8)
            case .sqlite:
                _ = try await Python.run(
                    """
                    import sqlite3,sys
                    c=sqlite3.connect(sys.argv[1])
                    c.execute('drop table if exists orders')
                    c.execute('create table orders (id integer, customer text, amount real, twice real)')
                    c.executemany('insert into orders values (?,?,?,?)', [(-1,'x',1,2),(-2,'y',2,4),(-3,'z',3,6)])
                    c.commit(); c.close()
                    """, arguments: [data.file("target.db")])
            case .postgres:
                _ = try await CrashInjectionTests.psql(
                    postgresURL,
                    "DROP TABLE IF EXISTS \(table); CREATE TABLE \(table) (id bigint, customer text, amount double precision, twice double precision); "
                        + "INSERT INTO \(table) VALUES (-1,'x',1,2),(-2,'y',2,4),(-3,'z',3,6)")
            }
        }

        /// Files beside the targets other than the inputs and targets themselves, and ledgers.
        func debris() throws -> [String] {
            let expected: Set<String> = ["in.csv", "out.ndjson", "target.db"]
            let beside = try data.list().filter { !expected.contains($0) }
            let ledgers = (try? FileManager.default.contentsOfDirectory(atPath: state.file("scratch"))) ?? []
            return beside + ledgers.map { "scratch/\($0)" }
        }
    }

    /// The output of `psql URL -Atqc SQL`, trimmed; psql runs and is waited for outside the
    /// cooperative pool (see ``offThePool(_:)``).
    static func psql(_ url: String, _ sql: String) async throws -> String {
        try await offThePool { try psqlBlocking(url, sql) }
    }

    /// ``psql(_:_:)`` on the calling thread, which it blocks until psql ends.
    private static func psqlBlocking(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ServerProcess.Failure(message: "psql failed: \(sql)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var iterations: Int {
        ProcessInfo.processInfo.environment["SLUICE_CRASH_ITERATIONS"].flatMap { Int($0) }.map { max($0, 3) } ?? 21
    }

    @Test func killedJobsLeaveTargetsWholeAndNoDebris() async throws {
        let data = try TemporaryDirectory()
        let state = try TemporaryDirectory()
        defer { data.remove(); state.remove() }
        var csv = "id,customer,amount\n"
        for i in 0..<Self.rows { csv += "\(i),customer \(i % 97),\(Double(i % 1000) / 4)\n" }
        try data.write("in.csv", csv)
        let bench = Bench(
            data: data, state: state, postgresURL: try TestDatabases.postgresURL(),
            table: TestDatabases.uniqueName("crash"))

        // The complete state of each target, from runs nobody interrupts.
        var server = try await ServerProcess.start(environment: bench.environment, logPath: state.file("server.log"))
        var complete: [TargetKind: String] = [:]
        var duration: [TargetKind: Duration] = [:]
        for kind in TargetKind.allCases {
            try await bench.reset(kind)
            let started = ContinuousClock.now
            let reply = try await server.request(.POST, "/jobs", body: bench.job(kind, id: "reference-\(kind)"))
            duration[kind] = ContinuousClock.now - started
            #expect(reply.json["job"]["status"] == "completed", "\(reply.text)")
            #expect(reply.json["stats"]["recordsLoaded"] == .int(Self.rows))
            complete[kind] = try await bench.snapshot(kind)
        }
        #expect(complete[.sqlite] == "(\(Self.rows + Self.preexisting), \((Self.rows - 1) * Self.rows / 2 - 6), \(Self.expectedTwiceSum() + 12.0))")

        var outcomes: [String: Int] = [:]
        for iteration in 0..<Self.iterations {
            let kind = TargetKind.allCases[iteration % TargetKind.allCases.count]
            try await bench.reset(kind)
            let before = try await bench.snapshot(kind)
            let id = "crash-\(iteration)"
            let submitted = try await server.request(.POST, "/jobs?async=true", body: bench.job(kind, id: id))
            #expect(submitted.status == 202)
            // A random point: from before the first batch to just after the commit.
            let window = Double((duration[kind] ?? .seconds(1)).components.attoseconds) / 1e18 + Double((duration[kind] ?? .seconds(1)).components.seconds)
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...max(1, Int(window * 1100)))))
            await server.kill()

            // What a kill leaves, before any restart touches it.
            let after = try await bench.snapshot(kind)
            #expect(after == before || after == complete[kind], "iteration \(iteration) (\(kind)): target neither as before nor complete")
            outcomes[after == before ? "before" : "complete", default: 0] += 1

            server = try await ServerProcess.start(environment: bench.environment, logPath: state.file("server.log"))
            let integrity = try await Python.run(
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('pragma integrity_check').fetchone()[0])",
                arguments: [state.file("state.db")])
            #expect(integrity.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
            let jobs = try await server.request(.GET, "/jobs")
            let unfinished = jobs.json["jobs"].arrayItems.filter { $0["status"] == "running" || $0["status"] == "pending" }
            #expect(unfinished.isEmpty, "iteration \(iteration): \(unfinished)")
            let crashed = try await server.request(.GET, "/jobs/\(id)")
            #expect(crashed.json["status"] == "completed" || crashed.json["status"] == "failed", "\(crashed.text)")
            // A rollback journal whose header was never completed is SQLite's own, not a hot
            // journal (the database is unchanged, checked above); the next write reuses it,
            // so it must be gone after the rerun below.
            let debris = try bench.debris().filter { name in
                !(name == "target.db-journal" && (FileManager.default.contents(atPath: data.file(name))?.prefix(8).allSatisfy { $0 == 0 } ?? false))
            }
            #expect(debris == [], "iteration \(iteration) (\(kind)): \(debris)")

            // A rerun from the state before gives exactly the complete result.
            try await bench.reset(kind)
            let rerun = try await server.request(.POST, "/jobs", body: bench.job(kind, id: "\(id)-rerun"))
            #expect(rerun.json["job"]["status"] == "completed")
            #expect(try await bench.snapshot(kind) == complete[kind], "iteration \(iteration) (\(kind)): rerun differs")
            #expect(try bench.debris() == [], "iteration \(iteration) (\(kind)) after the rerun")
        }
        _ = try await server.signal(SIGTERM, waitingUpTo: .seconds(30))
        _ = try await CrashInjectionTests.psql(bench.postgresURL, "DROP TABLE IF EXISTS \(bench.table)")
        print("crash injection: \(Self.iterations) kills, target found \(outcomes)")
        #expect(outcomes.values.reduce(0, +) == Self.iterations)
    }

    /// `sum(amount * 2)` over the generated rows.
    static func expectedTwiceSum() -> Double {
        var sum = 0.0
        for i in 0..<rows { sum += Double(i % 1000) / 4 * 2 }
        return sum
    }
}

extension Value {
    /// The items of an array, or none.
    var arrayItems: [Value] {
        if case .array(let items) = self { return items }
        return []
    }
}

import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// A continuous job in the real `sluice serve`: `POST /jobs` answers 202, live stats show its
/// micro-batches, `POST /jobs/:id/stop` ends it, and a SIGKILL of the server mid-stream loses
/// nothing: the restarted server resumes the job under its id from what was acknowledged.
@Suite struct ContinuousJobServerTests {
    /// redis-py against `port`: `script` sees `r` and `sys.argv[2:]`.
    static func redis(_ port: Int, _ script: String, _ arguments: [String] = []) async throws -> String {
        try await Python.run(
            "import json, sys, time, redis\nr = redis.Redis(port=int(sys.argv[1]), decode_responses=True)\n" + script,
            arguments: [String(port)] + arguments)
    }

    /// `count(*) count(distinct id)` of table `orders`, as Python's sqlite3 reads it.
    static func counts(_ database: String) async throws -> (rows: Int, distinct: Int) {
        let script = """
            import sqlite3, sys
            try:
                print(*sqlite3.connect(sys.argv[1], timeout=60).execute("select count(*), count(distinct id) from orders").fetchone())
            except sqlite3.OperationalError:
                print(0, 0)
            """
        let parts = try await Python.run(script, arguments: [database]).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return (parts.first ?? -1, parts.last ?? -1)
    }

    static func stats(_ server: ServerProcess, _ id: String) async throws -> (status: String, loaded: Int, microBatches: Int) {
        let job = try await server.request(.GET, "/jobs/\(id)").json
        guard case .string(let status) = job["status"] else { return ("?", 0, 0) }
        let loaded: Int = if case .int(let n) = job["stats"]["recordsLoaded"] { n } else { 0 }
        let batches: Int = if case .int(let n) = job["stats"]["streaming"]["microBatches"] { n } else { 0 }
        return (status, loaded, batches)
    }

    @Test func aServerKilledMidStreamResumesTheJobAndLosesNoMessage() async throws {
        let broker = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let environment = ["SLUICE_STATE": dir.file("state.db"), "SLUICE_DATA_DIRS": dir.path, "BATCH_SIZE": "10"]
        var server = try await ServerProcess.start(environment: environment, logPath: dir.file("server.log"))
        let database = dir.file("orders.db")
        let job = """
            {"name": "orders-live",
             "source": {"type": "redis_stream", "config": {"url": "redis://127.0.0.1:\(broker.port)", "stream": "orders", "group": "etl",
                        "valueField": "data", "continuous": true, "blockMs": 50}},
             "target": {"type": "sqlite", "config": {"path": "\(database)", "table": "orders"}},
             "commitEvery": 25, "commitIntervalMs": 100}
            """
        let posted = try await server.request(.POST, "/jobs", body: job)
        #expect(posted.status == 202, "\(posted.text)")
        guard case .string(let id) = posted.json["job"]["id"] else {
            Issue.record("no job id in \(posted.text)")
            return
        }
        // 600 orders, one every 5 ms, arriving while the server is killed and restarted.
        async let adding = Self.redis(
            broker.port, "for n in range(1, 601):\n    r.xadd('orders', {'data': json.dumps({'id': n})})\n    time.sleep(0.005)")

        var seen = try await Self.stats(server, id)
        for _ in 0..<6000 where seen.loaded < 100 {
            try await Task.sleep(for: .milliseconds(20))
            seen = try await Self.stats(server, id)
        }
        #expect(seen.status == "running")
        // Killed mid-stream: orders are still arriving, and not all of them are in.
        #expect(seen.loaded < 600, "the kill came after every order was loaded")
        await server.kill()
        server = try await ServerProcess.start(environment: environment, logPath: dir.file("server.log"))
        _ = try await adding

        var counts = try await Self.counts(database)
        for _ in 0..<6000 where counts.distinct < 600 {
            try await Task.sleep(for: .milliseconds(50))
            counts = try await Self.counts(database)
        }
        #expect(try await Self.stats(server, id).status == "running")
        let stop = try await server.request(.POST, "/jobs/\(id)/stop")
        #expect(stop.status == 202)
        #expect(stop.json["job"]["status"] == .string("stopping"))
        for _ in 0..<6000 where seen.status == "running" {
            try await Task.sleep(for: .milliseconds(50))
            seen = try await Self.stats(server, id)
        }
        #expect(seen.status == "completed")
        counts = try await Self.counts(database)
        #expect(counts.distinct == 600)
        // Only the micro-batch committed but not yet acknowledged at the kill comes again.
        #expect(counts.rows - 600 <= 25, "duplicates: \(counts.rows - 600)")
        let pending = try await Self.redis(broker.port, "print(r.xpending('orders', 'etl')['pending'])")
        #expect(pending == "0\n")
        let again = try await server.request(.POST, "/jobs/\(id)/stop")
        #expect(again.status == 409)
        await server.stop()
    }

    /// The README's continuous job, posted to a server as written (its server and file aside).
    @Test func theReadmeExampleRunsUntilStopped() async throws {
        let broker = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let readme = try RepositoryFiles.text("README.md")
        let marker = try #require(readme.range(of: "<!-- continuous-example -->\n```json\n"))
        let end = try #require(readme[marker.upperBound...].range(of: "\n```"))
        let database = dir.file("orders.db")
        let job = String(readme[marker.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "127.0.0.1:6379/", with: "127.0.0.1:\(broker.port)/")
            .replacingOccurrences(of: "data/orders.db", with: database)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let posted = try await server.request(.POST, "/jobs", body: job)
        #expect(posted.status == 202, "\(posted.text)")
        #expect(posted.json["job"]["status"] == .string("pending"))
        guard case .string(let id) = posted.json["job"]["id"] else {
            Issue.record("no job id in \(posted.text)")
            return
        }
        _ = try await Self.redis(broker.port, "for n in range(1, 51): r.xadd('orders', {'data': json.dumps({'id': n, 'total': n})})")
        var detail = try await server.request(.GET, "/jobs/\(id)").json
        for _ in 0..<6000 where detail["stats"]["recordsLoaded"] != .int(50) {
            try await Task.sleep(for: .milliseconds(50))
            detail = try await server.request(.GET, "/jobs/\(id)").json
        }
        #expect(detail["status"] == .string("running"))
        #expect(detail["stats"]["streaming"]["lastCommitAt"] != .null)
        if case .int(let batches) = detail["stats"]["streaming"]["microBatches"] {
            #expect(batches >= 1)
        } else {
            Issue.record("no microBatches in \(detail)")
        }
        #expect(try await server.request(.POST, "/jobs/\(id)/stop").status == 202)
        for _ in 0..<6000 where detail["status"] == .string("running") {
            try await Task.sleep(for: .milliseconds(50))
            detail = try await server.request(.GET, "/jobs/\(id)").json
        }
        #expect(detail["status"] == .string("completed"))
        #expect(detail["stats"]["recordsLoaded"] == .int(50))
        let counts = try await Self.counts(database)
        #expect(counts.rows == 50 && counts.distinct == 50)
        #expect(try await Self.redis(broker.port, "print(r.xpending('orders', 'live')['pending'])") == "0\n")
        try await server.stop()
    }

    /// `sluice run` of a continuous job: Ctrl-C commits the micro-batch in progress and ends
    /// the run `completed` (exit 0), with every message written and acknowledged.
    @Test func ctrlCEndsAContinuousCommandLineRunGracefully() async throws {
        let broker = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let output = dir.file("orders.ndjson")
        let job = try dir.write("live.json", """
            {"name": "orders-live",
             "source": {"type": "redis_stream", "config": {"url": "redis://127.0.0.1:\(broker.port)", "stream": "orders", "group": "cli",
                        "valueField": "data", "continuous": true, "blockMs": 50}},
             "target": {"type": "file", "config": {"path": "\(output)"}},
             "commitEvery": 1000, "commitIntervalMs": 100}
            """)
        _ = try await Self.redis(broker.port, "for n in range(1, 41): r.xadd('orders', {'data': json.dumps({'id': n})})")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = ["run", "--no-state", job]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLUICE_") }.merging(["SLUICE_DATA_DIRS": dir.path]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        func lines() -> Int {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        var tries = 0
        while lines() < 40, tries < 6000 {
            try await Task.sleep(for: .milliseconds(50))
            tries += 1
        }
        #expect(lines() == 40)
        kill(process.processIdentifier, SIGINT)
        await process.exited()
        #expect(process.terminationStatus == 0)
        #expect(lines() == 40)
        #expect(try await Self.redis(broker.port, "print(r.xpending('orders', 'cli')['pending'])") == "0\n")
    }

    @Test func onlyContinuousJobsStopGracefully() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("in.json", #"[{"a": 1}]"#)
        let server = try await ServerHarness.start(stateDir: dir, environment: ["SLUICE_DATA_DIRS": dir.path])
        let job = #"{"id": "once", "source": {"type": "file", "config": {"path": "\#(dir.file("in.json"))"}}, "target": {"type": "file", "config": {"path": "\#(dir.file("out.json"))"}}}"#
        #expect(try await server.request(.POST, "/jobs", body: job).status == 200)
        let finished = try await server.request(.POST, "/jobs/once/stop")
        #expect(finished.status == 409)
        #expect(finished.json["error"]["message"] == .string("job 'once' has already finished (completed); there is nothing to stop"))
        #expect(try await server.request(.POST, "/jobs/ghost/stop").status == 404)
        try await server.stop()
    }
}

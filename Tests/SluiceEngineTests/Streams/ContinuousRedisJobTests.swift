import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Continuous jobs over a Redis stream, through `JobService` as the server runs them: micro-
/// batches committed and only then acknowledged, live stats, a graceful stop, a poison message,
/// a broker restart and a failing target. Messages are counted by id on both ends: redis-py
/// writes and inspects the stream, Python's sqlite3 reads the table.
@Suite struct ContinuousRedisJobTests {
    /// redis-py against `port`: `script` sees `r` and `sys.argv[2:]`.
    static func redis(_ port: Int, _ script: String, _ arguments: [String] = []) async throws -> String {
        try await Python.run(
            "import json, sys, redis\nr = redis.Redis(port=int(sys.argv[1]), decode_responses=True)\n" + script,
            arguments: [String(port)] + arguments)
    }

    /// Adds the orders `ids` to stream `orders` as JSON in a `data` field.
    static func add(_ port: Int, _ ids: ClosedRange<Int>) async throws {
        _ = try await redis(
            port, "for n in range(int(sys.argv[2]), int(sys.argv[3]) + 1): r.xadd('orders', {'data': json.dumps({'id': n, 'total': n * 10})})",
            [String(ids.lowerBound), String(ids.upperBound)])
    }

    /// Entries delivered to the group and not acknowledged.
    static func pending(_ port: Int, group: String = "etl") async throws -> Int {
        Int(try await redis(port, "print(r.xpending('orders', sys.argv[2])['pending'])", [group]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// `id` of every row of table `orders`, in id order (duplicates kept).
    static func ids(_ database: String) async throws -> [Int] {
        let script = """
            import sqlite3, sys
            for (n,) in sqlite3.connect(sys.argv[1]).execute("select id from orders order by id"):
                print(n)
            """
        return try await Python.run(script, arguments: [database]).split(separator: "\n").compactMap { Int($0) }
    }

    static func spec(port: Int, database: String, mode: String = "upsert", commitEvery: Int = 50) throws -> JobSpec {
        let keys = mode == "upsert" ? #", "keys": ["id"]"# : ""
        let json = """
            {"name": "orders-live",
             "source": {"type": "redis_stream", "config": {"url": "redis://127.0.0.1:\(port)", "stream": "orders", "group": "etl",
                        "valueField": "data", "continuous": true, "blockMs": 50, "reconnectTimeoutMs": 120000}},
             "target": {"type": "sqlite", "config": {"path": "\(database)", "table": "orders", "mode": "\(mode)"\(keys)}},
             "commitEvery": \(commitEvery), "commitIntervalMs": 100}
            """
        return try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
    }

    static func service(_ dir: TemporaryDirectory, batchSize: Int = 20) async throws -> (JobService, SQLiteStateStore) {
        let store = try await SQLiteStateStore.open(path: dir.file("state.db"))
        let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: batchSize, environment: [:])
        return (JobService(store: store, planner: planner, logger: Logger(label: "test")), store)
    }

    /// Polls the job's stored record until `done` holds (a hang guard, not a timing bound).
    static func waitFor(_ store: SQLiteStateStore, _ id: String, _ what: String, _ done: (JobRecord) -> Bool) async throws -> JobRecord {
        for _ in 0..<6000 {
            if let job = try await store.job(id: id), done(job) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        let job = try await store.job(id: id)
        Issue.record("waited in vain for \(what): \(String(describing: job?.status)) \(String(describing: job?.stats)) \(job?.error ?? "")")
        throw CancellationError()
    }

    @Test func commitsMicroBatchesAcknowledgesThemAndStopsGracefully() async throws {
        let server = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await Self.add(server.port, 1...200)
        let poison = try await Self.redis(server.port, "print(r.xadd('orders', {'data': '{not json'}))").trimmingCharacters(in: .whitespacesAndNewlines)
        let (service, store) = try await Self.service(dir)
        let database = dir.file("orders.db")

        let submitted = try await service.execute(try Self.spec(port: server.port, database: database), mode: .waitUnlessContinuous)
        #expect(submitted.status == .pending)
        var job = try await Self.waitFor(store, submitted.id, "200 orders loaded") { $0.stats?.recordsLoaded == 200 && $0.stats?.recordsErrored == 1 }
        #expect(job.status == .running)
        #expect((job.stats?.streaming?.microBatches ?? 0) >= 4, "200 records at commitEvery 50: \(String(describing: job.stats?.streaming))")
        // The poison message is in the dead-letter queue while the job runs, with its entry ID.
        let letters = try await store.deadLetters(jobId: submitted.id)
        #expect(letters.count == 1)
        #expect(letters.first?.error.contains("entry \(poison): field 'data' is not JSON") == true, "\(letters)")
        #expect(try await Self.ids(database) == Array(1...200))
        // Acknowledged after the commit: nothing stays pending, nothing waits undelivered.
        job = try await Self.waitFor(store, submitted.id, "the lag to be known") { $0.stats?.streaming?.consumerLag == 0 }
        var pending = -1
        for _ in 0..<600 where pending != 0 {
            pending = try await Self.pending(server.port)
            if pending != 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(pending == 0)

        try await Self.add(server.port, 201...300)
        _ = try await Self.waitFor(store, submitted.id, "300 orders loaded") { $0.stats?.recordsLoaded == 300 }
        #expect(try await service.stop(id: submitted.id) == .stopping)
        job = try await Self.waitFor(store, submitted.id, "the job to end") { $0.status.isFinished }
        await service.drain()
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect(job.stats?.recordsExtracted == 301)
        #expect(job.stats?.recordsLoaded == 300)
        #expect(job.stats?.recordsErrored == 1)
        #expect(try await Self.ids(database) == Array(1...300))
        #expect(try await Self.pending(server.port) == 0)
        #expect(try await store.deadLetters(jobId: submitted.id).count == 1)
        #expect(try await service.stop(id: submitted.id) == .finished(.completed))
        try await store.close()
    }

    @Test func aBrokerRestartMidStreamLosesNothing() async throws {
        let server = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await Self.add(server.port, 1...150)
        let (service, store) = try await Self.service(dir)
        let database = dir.file("orders.db")
        let submitted = try await service.execute(try Self.spec(port: server.port, database: database), mode: .waitUnlessContinuous)
        _ = try await Self.waitFor(store, submitted.id, "150 orders loaded") { $0.stats?.recordsLoaded == 150 }

        // SIGKILL: the append-only file keeps the stream and the group's pending entries.
        try await server.restart()
        try await Self.add(server.port, 151...300)
        _ = try await Self.waitFor(store, submitted.id, "300 orders loaded") { ($0.stats?.recordsLoaded ?? 0) >= 300 }
        #expect(try await service.stop(id: submitted.id) == .stopping)
        let job = try await Self.waitFor(store, submitted.id, "the job to end") { $0.status.isFinished }
        await service.drain()
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect(try await Self.ids(database) == Array(1...300))
        #expect(try await Self.pending(server.port) == 0)
        try await store.close()
    }

    /// A continuous job copying a stream into a stream of another server, which dies: the job
    /// fails naming the target, reports only what its micro-batches committed, leaves the rest
    /// unacknowledged, and a second job on the same group delivers the rest. Every order
    /// arrives; duplicates are at most the one micro-batch that was in progress.
    @Test func aFailingTargetAcknowledgesNothingItDidNotCommit() async throws {
        let source = try await RedisTestServer.start()
        let target = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await Self.add(source.port, 1...100)
        let (service, store) = try await Self.service(dir)
        let json = """
            {"name": "orders-copy",
             "source": {"type": "redis_stream", "config": {"url": "redis://127.0.0.1:\(source.port)", "stream": "orders", "group": "copy",
                        "valueField": "data", "continuous": true, "blockMs": 50}},
             "target": {"type": "redis_stream", "config": {"url": "redis://127.0.0.1:\(target.port)", "stream": "orders", "valueField": "data",
                        "connectTimeoutMs": 2000, "timeoutMs": 5000}},
             "commitEvery": 20, "commitIntervalMs": 100}
            """
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        let first = try await service.execute(spec, mode: .waitUnlessContinuous)
        _ = try await Self.waitFor(store, first.id, "100 orders copied") { $0.stats?.recordsLoaded == 100 }

        await target.kill()
        try await Self.add(source.port, 101...150)
        let failed = try await Self.waitFor(store, first.id, "the job to fail") { $0.status.isFinished }
        #expect(failed.status == .failed)
        #expect(failed.error?.contains("redis_stream:redis://127.0.0.1:\(target.port)") == true, "\(failed.error ?? "")")
        let loaded = failed.stats?.recordsLoaded ?? 0
        // What was committed was acknowledged; the rest is pending or not yet delivered.
        let left = try await Self.redis(
            source.port, "print(r.xpending('orders', 'copy')['pending'] + (r.xinfo_groups('orders')[0]['lag'] or 0))")
        #expect(Int(left.trimmingCharacters(in: .whitespacesAndNewlines)) == 150 - loaded, "loaded \(loaded), left \(left)")

        try await target.restart()
        var second = spec
        second.name = "orders-copy-again"
        let resumed = try await service.execute(second, mode: .waitUnlessContinuous)
        _ = try await Self.waitFor(store, resumed.id, "the rest copied") { ($0.stats?.recordsLoaded ?? 0) >= 150 - loaded }
        #expect(try await service.stop(id: resumed.id) == .stopping)
        let done = try await Self.waitFor(store, resumed.id, "the second job to end") { $0.status.isFinished }
        await service.drain()
        #expect(done.status == .completed, "\(done.error ?? "")")
        let copied = try await Self.redis(
            target.port, "print(json.dumps(sorted(json.loads(f['data'])['id'] for _, f in r.xrange('orders'))))")
        let parsed: [Value] = try JSONParser.parse(copied).arrayValue ?? []
        let ids = parsed.compactMap { value -> Int? in if case .int(let n) = value { return n } else { return nil } }
        #expect(Set(ids) == Set(1...150))
        #expect(ids.count - 150 <= 20, "duplicates beyond one micro-batch: \(ids.count - 150)")
        try await store.close()
    }

    /// `replace` empties the table in the first micro-batch only: the later ones add to it.
    @Test func aReplaceTargetIsEmptiedOnceAndThenAddedTo() async throws {
        let server = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let database = dir.file("orders.db")
        _ = try await Python.run(
            "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute('create table orders (id integer, total integer)')\n"
                + "c.executemany('insert into orders values (?, ?)', [(1000, 1), (1001, 2)])\nc.commit()",
            arguments: [database])
        try await Self.add(server.port, 1...100)
        let (service, store) = try await Self.service(dir)
        let submitted = try await service.execute(
            try Self.spec(port: server.port, database: database, mode: "replace", commitEvery: 20), mode: .waitUnlessContinuous)
        let running = try await Self.waitFor(store, submitted.id, "100 orders loaded") { $0.stats?.recordsLoaded == 100 }
        #expect((running.stats?.streaming?.microBatches ?? 0) >= 5)
        #expect(try await service.stop(id: submitted.id) == .stopping)
        let job = try await Self.waitFor(store, submitted.id, "the job to end") { $0.status.isFinished }
        await service.drain()
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect(try await Self.ids(database) == Array(1...100))
        try await store.close()
    }

    /// Into an NDJSON file: each micro-batch is appended in place; the file holds every order
    /// once, in stream order.
    @Test func anNDJSONFileIsAppendedToOnceEachMicroBatch() async throws {
        let server = try await RedisTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await Self.add(server.port, 1...120)
        let (service, store) = try await Self.service(dir)
        let output = dir.file("orders.ndjson")
        let json = """
            {"name": "orders-to-file",
             "source": {"type": "redis_stream", "config": {"url": "redis://127.0.0.1:\(server.port)", "stream": "orders", "group": "files",
                        "valueField": "data", "continuous": true, "blockMs": 50}},
             "target": {"type": "file", "config": {"path": "\(output)"}},
             "commitEvery": 25, "commitIntervalMs": 100}
            """
        let submitted = try await service.execute(try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json)), mode: .waitUnlessContinuous)
        _ = try await Self.waitFor(store, submitted.id, "120 orders written") { $0.stats?.recordsLoaded == 120 }
        try await Self.add(server.port, 121...130)
        _ = try await Self.waitFor(store, submitted.id, "130 orders written") { $0.stats?.recordsLoaded == 130 }
        #expect(try await service.stop(id: submitted.id) == .stopping)
        let job = try await Self.waitFor(store, submitted.id, "the job to end") { $0.status.isFinished }
        await service.drain()
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect((job.stats?.streaming?.microBatches ?? 0) >= 3, "120 records in chunks of 20 at commitEvery 25, then 10 more")
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(try lines.map { try JSONParser.parse(String($0)) } == (1...130).map { ["id": .int($0), "total": .int($0 * 10)] })
        try await store.close()
    }

    @Test func continuousPlansRefuseWhatCannotRunForever() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (service, store) = try await Self.service(dir)
        let source = #"{"type": "redis_stream", "config": {"url": "redis://127.0.0.1:1", "stream": "s", "group": "g", "continuous": true}}"#
        func errors(_ json: String) throws -> [String] {
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            do {
                _ = try service.plan(spec)
                return []
            } catch {
                return error.errors.map { "\($0.path): \($0.reason)" }
            }
        }
        #expect(
            try errors(#"{"source": \#(source), "transforms": [{"operation": "sort", "config": {"by": [{"field": "a"}]}}], "target": {"type": "sqlite", "config": {"path": "\#(dir.file("t.db"))", "table": "t"}}}"#)
                == ["transforms[0].operation: 'sort' holds records until the input ends, and a continuous job's input never ends; run it in a batch job over what the continuous job wrote"])
        #expect(
            try errors(#"{"source": {"type": "file", "config": {"path": "\#(dir.file("in.json"))"}}, "target": {"type": "sqlite", "config": {"path": "\#(dir.file("t.db"))", "table": "t"}}, "commitEvery": 5}"#)
                == ["commitEvery: applies to continuous jobs only (a queue or stream source with continuous: true); this source reads what is there and ends"])
        #expect(
            try errors(#"{"source": {"type": "redis_stream", "config": {"url": "redis://127.0.0.1:1", "stream": "s", "group": "g", "continuous": true, "maxRecords": 5}}, "target": {"type": "sqlite", "config": {"path": "\#(dir.file("t.db"))", "table": "t"}}}"#)
                == ["source.config.maxRecords: ends the read, and a continuous read goes on until the job is stopped; remove maxRecords or continuous"])
        try await store.close()
    }
}

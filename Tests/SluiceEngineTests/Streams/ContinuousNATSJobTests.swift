import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// Continuous jobs over a NATS JetStream stream, through `JobService` as the server runs them:
/// micro-batches committed and only then acknowledged, live stats, a graceful stop, a poison
/// message, a broker restart and a failing target. Messages are counted by id on both ends:
/// nats-py writes the stream and asks about the consumer, Python's sqlite3 reads the table.
@Suite struct ContinuousNATSJobTests {
    /// `id` of every row of table `orders`, in id order (duplicates kept).
    static func ids(_ database: String) async throws -> [Int] {
        let script = """
            import sqlite3, sys
            for (n,) in sqlite3.connect(sys.argv[1]).execute("select id from orders order by id"):
                print(n)
            """
        return try await Python.run(script, arguments: [database]).split(separator: "\n").compactMap { Int($0) }
    }

    static func spec(port: Int, database: String, commitEvery: Int = 50) throws -> JobSpec {
        let json = """
            {"name": "orders-live",
             "source": {"type": "nats_jetstream", "config": {"url": "nats://127.0.0.1:\(port)", "stream": "ORDERS", "durable": "etl",
                        "continuous": true, "fetchWaitMs": 50, "ackWaitMs": 2000, "reconnectTimeoutMs": 120000}},
             "target": {"type": "sqlite", "config": {"path": "\(database)", "table": "orders", "mode": "upsert", "keys": ["id"]}},
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

    /// Polls the consumer until nothing waits undelivered or unacknowledged.
    static func settled(_ server: NATSTestServer, _ durable: String = "etl") async throws -> (pending: Int, ackPending: Int) {
        var state = (pending: -1, ackPending: -1)
        for _ in 0..<100 {
            state = try await NATSPython.consumer(server, "ORDERS", durable)
            if state == (0, 0) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return state
    }

    @Test func commitsMicroBatchesAcknowledgesThemAndStopsGracefully() async throws {
        let server = try await NATSTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.publish(server, "orders.new", ids: 1...200)
        let poison = try await NATSPython.publish(server, "orders.new", payload: "{not json")
        let (service, store) = try await Self.service(dir)
        let database = dir.file("orders.db")

        let submitted = try await service.execute(try Self.spec(port: server.port, database: database), mode: .waitUnlessContinuous)
        #expect(submitted.status == .pending)
        var job = try await Self.waitFor(store, submitted.id, "200 orders loaded") { $0.stats?.recordsLoaded == 200 && $0.stats?.recordsErrored == 1 }
        #expect(job.status == .running)
        #expect((job.stats?.streaming?.microBatches ?? 0) >= 4, "200 records at commitEvery 50: \(String(describing: job.stats?.streaming))")
        // The poison message is in the dead-letter queue while the job runs, with its stream sequence.
        let letters = try await store.deadLetters(jobId: submitted.id)
        #expect(letters.count == 1)
        #expect(letters.first?.error.contains("message \(poison) (subject orders.new): not a JSON object") == true, "\(letters)")
        #expect(try await Self.ids(database) == Array(1...200))
        // Acknowledged after the commit: nothing stays unacknowledged, nothing waits undelivered.
        job = try await Self.waitFor(store, submitted.id, "the lag to be known") { $0.stats?.streaming?.consumerLag == 0 }
        #expect(try await Self.settled(server) == (0, 0))

        try await NATSPython.publish(server, "orders.new", ids: 201...300)
        _ = try await Self.waitFor(store, submitted.id, "300 orders loaded") { $0.stats?.recordsLoaded == 300 }
        #expect(try await service.stop(id: submitted.id) == .stopping)
        job = try await Self.waitFor(store, submitted.id, "the job to end") { $0.status.isFinished }
        await service.drain()
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect(job.stats?.recordsExtracted == 301)
        #expect(job.stats?.recordsLoaded == 300)
        #expect(job.stats?.recordsErrored == 1)
        #expect(try await Self.ids(database) == Array(1...300))
        #expect(try await Self.settled(server) == (0, 0))
        #expect(try await store.deadLetters(jobId: submitted.id).count == 1)
        #expect(try await service.stop(id: submitted.id) == .finished(.completed))
        try await store.close()
    }

    /// The server killed (SIGKILL) mid-stream and started again on its store: the job connects
    /// again and every order arrives; nothing stays unacknowledged.
    @Test func aBrokerRestartMidStreamLosesNothing() async throws {
        let server = try await NATSTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await NATSPython.addStream(server, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.publish(server, "orders.new", ids: 1...150)
        let (service, store) = try await Self.service(dir)
        let database = dir.file("orders.db")
        let submitted = try await service.execute(try Self.spec(port: server.port, database: database), mode: .waitUnlessContinuous)
        _ = try await Self.waitFor(store, submitted.id, "150 orders loaded") { $0.stats?.recordsLoaded == 150 }

        try await server.restart()
        try await NATSPython.publish(server, "orders.new", ids: 151...300)
        _ = try await Self.waitFor(store, submitted.id, "300 orders loaded") { ($0.stats?.recordsLoaded ?? 0) >= 300 }
        // A killed server may have lost its latest acknowledgements and deliver those messages
        // again after ackWaitMs: the running job takes them too, and acknowledges everything.
        let running = try await Self.settled(server)
        #expect(running == (0, 0))
        #expect(try await service.stop(id: submitted.id) == .stopping)
        let job = try await Self.waitFor(store, submitted.id, "the job to end") { $0.status.isFinished }
        await service.drain()
        #expect(job.status == .completed, "\(job.error ?? "")")
        #expect(try await Self.ids(database) == Array(1...300))
        #expect(try await Self.settled(server) == (0, 0))
        try await store.close()
    }

    /// A continuous job copying a stream into a stream of another server, which dies: the job
    /// fails naming the target and leaves unacknowledged what it did not commit; a second job
    /// on the same durable consumer delivers the rest. Every order arrives exactly once in the
    /// target stream: what was published again carries the same message IDs.
    @Test func aFailingTargetAcknowledgesNothingItDidNotCommit() async throws {
        let source = try await NATSTestServer.start()
        let target = try await NATSTestServer.start()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await NATSPython.addStream(source, "ORDERS", subjects: ["orders.>"])
        try await NATSPython.addStream(target, "COPY", subjects: ["copy.>"])
        try await NATSPython.publish(source, "orders.new", ids: 1...100)
        let (service, store) = try await Self.service(dir)
        let json = """
            {"name": "orders-copy",
             "source": {"type": "nats_jetstream", "config": {"url": "nats://127.0.0.1:\(source.port)", "stream": "ORDERS", "durable": "copy",
                        "continuous": true, "fetchWaitMs": 50, "ackWaitMs": 1000}},
             "target": {"type": "nats_jetstream", "config": {"url": "nats://127.0.0.1:\(target.port)", "subject": "copy.orders", "idField": "id",
                        "stream": "COPY", "connectTimeoutMs": 2000, "timeoutMs": 5000}},
             "commitEvery": 20, "commitIntervalMs": 100}
            """
        let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
        let first = try await service.execute(spec, mode: .waitUnlessContinuous)
        _ = try await Self.waitFor(store, first.id, "100 orders copied") { $0.stats?.recordsLoaded == 100 }

        await target.kill()
        try await NATSPython.publish(source, "orders.new", ids: 101...150)
        let failed = try await Self.waitFor(store, first.id, "the job to fail") { $0.status.isFinished }
        #expect(failed.status == .failed)
        #expect(failed.error?.contains("nats_jetstream:nats://127.0.0.1:\(target.port)/copy.orders") == true, "\(failed.error ?? "")")
        let loaded = failed.stats?.recordsLoaded ?? 0
        // What was committed was acknowledged; the rest is unacknowledged or not yet delivered.
        let left = try await NATSPython.consumer(source, "ORDERS", "copy")
        #expect(left.pending + left.ackPending == 150 - loaded, "loaded \(loaded), left \(left)")

        try await target.restart()
        var second = spec
        second.name = "orders-copy-again"
        let resumed = try await service.execute(second, mode: .waitUnlessContinuous)
        _ = try await Self.waitFor(store, resumed.id, "the rest copied") { ($0.stats?.recordsLoaded ?? 0) >= 150 - loaded }
        #expect(try await service.stop(id: resumed.id) == .stopping)
        let done = try await Self.waitFor(store, resumed.id, "the second job to end") { $0.status.isFinished }
        await service.drain()
        #expect(done.status == .completed, "\(done.error ?? "")")
        let copied = try await NATSPython.run(
            target, "info = await js.stream_info('COPY')\nids = [json.loads((await js.get_msg('COPY', s)).data)['id'] for s in range(1, info.state.last_seq + 1)]\nprint(json.dumps(sorted(ids)))")
        let parsed: [Value] = try JSONParser.parse(copied).arrayValue ?? []
        let ids = parsed.compactMap { value -> Int? in if case .int(let n) = value { return n } else { return nil } }
        #expect(ids == Array(1...150))
        #expect(try await Self.settled(source, "copy") == (0, 0))
        try await store.close()
    }

    @Test func continuousPlansRefuseWhatCannotRunForever() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (service, store) = try await Self.service(dir)
        func errors(_ json: String) throws -> [String] {
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            do {
                _ = try service.plan(spec)
                return []
            } catch {
                return error.errors.map { "\($0.path): \($0.reason)" }
            }
        }
        let table = #"{"type": "sqlite", "config": {"path": "\#(dir.file("t.db"))", "table": "t"}}"#
        #expect(
            try errors(#"{"source": {"type": "nats_jetstream", "config": {"url": "nats://127.0.0.1:1", "stream": "S", "durable": "d", "continuous": true, "maxRecords": 5}}, "target": \#(table)}"#)
                == ["source.config.maxRecords: ends the read, and a continuous read goes on until the job is stopped; remove maxRecords or continuous"])
        #expect(
            try errors(#"{"source": {"type": "nats_jetstream", "config": {"url": "tls://127.0.0.1:1", "stream": "S", "durable": "d"}}, "target": \#(table)}"#)
                == ["source.config.url: tls:// (TLS) is not supported yet; use nats:// on a trusted network or a TLS tunnel"])
        #expect(
            try errors(#"{"source": {"type": "nats_jetstream", "config": {"url": "nats://127.0.0.1:1", "stream": "S", "durable": "d", "continuous": true}}, "target": {"type": "nats_jetstream", "config": {"url": "nats://127.0.0.1:1", "subject": "out"}}}"#)
                == [])
        try await store.close()
    }
}

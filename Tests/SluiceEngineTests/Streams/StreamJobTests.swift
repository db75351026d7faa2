import Foundation
import Logging
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The README's stream job, run through the planner and the runner against a stand-in event
/// stream that drops the connection half-way and sends one event whose data is not JSON.
@Suite struct StreamJobTests {
    /// Orders 1…1100 (id = order number), a heartbeat after every 250th order; order 500's
    /// data is not JSON. The first connection ends after order 600; a reconnection resumes
    /// after its `Last-Event-ID`. Every connection is logged with that header.
    static let server = #"""
        import json, sys, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        log_path = sys.argv[1]
        def event(n):
            data = '{not json' if n == 500 else '{"order": %d, "total": %d.5}' % (n, n)
            text = 'id: %d\nevent: order\ndata: %s\n\n' % (n, data)
            return text + ('event: heartbeat\ndata: {}\n\n' if n % 250 == 0 else '')
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                with open(log_path, 'a') as f:
                    f.write(json.dumps({"lastEventId": self.headers.get('Last-Event-ID'), "auth": self.headers.get('Authorization')}) + '\n')
                if self.headers.get('Authorization') != 'Bearer orders-token':
                    self.send_response(401); self.send_header('Content-Length', '0'); self.end_headers(); return
                self.send_response(200); self.send_header('Content-Type', 'text/event-stream'); self.end_headers()
                first = int(self.headers.get('Last-Event-ID', '0')) + 1
                last = 600 if first == 1 else 1100
                try:
                    self.wfile.write(''.join(event(n) for n in range(first, last + 1)).encode()); self.wfile.flush()
                    if last == 600: return
                    while True: time.sleep(0.2); self.wfile.write(b': idle\n\n'); self.wfile.flush()
                except OSError: pass
        s = ThreadingHTTPServer(('127.0.0.1', 0), H)
        s.daemon_threads = True
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    static func readmeJob(port: Int, output: String) throws -> String {
        let readme = try RepositoryFiles.text("README.md")
        let marker = try #require(readme.range(of: "<!-- sse-example -->\n```json\n"))
        let end = try #require(readme[marker.upperBound...].range(of: "\n```"))
        return String(readme[marker.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "http://127.0.0.1:8080", with: "http://127.0.0.1:\(port)")
            .replacingOccurrences(of: "\"orders-stream.ndjson\"", with: "\"\(output)\"")
            // The whole suite runs in parallel on few cores, and a test may wait minutes for a
            // thread: the job's wall-clock bounds are widened so only maxRecords ends it.
            .replacingOccurrences(of: "\"maxDurationMs\": 60000", with: Self.patientTimeouts)
    }

    static let patientTimeouts = #""maxDurationMs": 3600000, "connectTimeoutMs": 3600000, "idleTimeoutMs": 3600000"#

    @Test func theReadmeJobResumesAfterADropAndSendsBadDataToTheDeadLetterQueue() async throws {
        let dir = try TemporaryDirectory(prefix: "sluice-stream-job")
        defer { dir.remove() }
        let log = dir.file("server.jsonl")
        let (server, port) = try await ConnectorExamplesTests.startServer(Self.server, arguments: [log])
        try await withAsyncCleanup {
            let output = dir.file("orders-stream.ndjson")
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(try Self.readmeJob(port: port, output: output)))
            let planner = JobPlanner(
                registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 128, environment: ["SLUICE_SECRET_ORDERS_TOKEN": "orders-token"])
            let outcome = await JobRunner.run(try planner.plan(spec), settings: RunSettings(workers: 2), logger: Logger(label: "test"))
            #expect(outcome.failure == nil)
            #expect(outcome.stats.recordsErrored == 1)

            let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
            let records = try lines.map { try #require(try JSONParser.parse(String($0)).objectValue) }
            let expected = Array(1...499) + Array(501...1001)
            #expect(records.count == 1000)
            #expect(records.map { $0["order"] } == expected.map { .int($0) })
            #expect(records.map { $0["eventId"] } == expected.map { .string("\($0)") })
            #expect(records.first == ValueObject([("order", 1), ("total", 1.5), ("eventId", "1")]))

            #expect(outcome.rejections.count == 1)
            let rejection = try #require(outcome.rejections.first)
            #expect(rejection.record == ["id": "500", "event": "order", "data": "{not json"])
            #expect(rejection.position == 501)  // the heartbeat after order 250 is an event too
            #expect(rejection.stage == "source")
            #expect(rejection.message.hasPrefix("the data of event '500' (#501) is not JSON: "))

            let connections = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
            #expect(connections == [["lastEventId": nil, "auth": "Bearer orders-token"], ["lastEventId": "600", "auth": "Bearer orders-token"]])
        } cleanup: {
            await server.killAndWait()
        }
    }

    /// The same stream read continuously: the job goes on past the drop and the quiet stream
    /// after order 1100 (empty chunks keep it committing and listening) until it is stopped;
    /// every order is in the table once, and the bad event in the dead-letter queue while it runs.
    @Test func aContinuousStreamJobRunsUntilStopped() async throws {
        let dir = try TemporaryDirectory(prefix: "sluice-stream-live")
        defer { dir.remove() }
        let (server, port) = try await ConnectorExamplesTests.startServer(Self.server, arguments: [dir.file("server.jsonl")])
        try await withAsyncCleanup {
            let database = dir.file("orders.db")
            let json = """
                {"name": "orders-live",
                 "source": {"type": "sse", "config": {"url": "http://127.0.0.1:\(port)/orders", "headers": {"Authorization": "Bearer orders-token"},
                            "events": ["order"], "continuous": true, "connectTimeoutMs": 3600000, "idleTimeoutMs": 3600000}},
                 "target": {"type": "sqlite", "config": {"path": "\(database)", "table": "orders", "mode": "upsert", "keys": ["order"]}},
                 "commitEvery": 300, "commitIntervalMs": 100}
                """
            let store = try await SQLiteStateStore.open(path: dir.file("state.db"))
            let planner = JobPlanner(registry: .builtIn, dataRoots: DataRoots([dir.path]), batchSize: 128, environment: [:])
            let service = JobService(store: store, planner: planner, logger: Logger(label: "test"))
            let spec = try ValueDecoder().decode(JobSpec.self, from: try JSONParser.parse(json))
            let submitted = try await service.execute(spec, mode: .waitUnlessContinuous)
            #expect(submitted.status == .pending)
            var job = try await ContinuousRedisJobTests.waitFor(store, submitted.id, "1099 orders") { $0.stats?.recordsLoaded == 1099 }
            #expect(job.status == .running)
            #expect(job.stats?.recordsErrored == 1)
            #expect(try await store.deadLetters(jobId: submitted.id).map(\.position) == [501])
            #expect(try await service.stop(id: submitted.id) == .stopping)
            job = try await ContinuousRedisJobTests.waitFor(store, submitted.id, "the job to end") { $0.status.isFinished }
            await service.drain()
            #expect(job.status == .completed, "\(job.error ?? "")")
            let orders = try await Python.run(
                "import sqlite3, sys\nprint(*sqlite3.connect(sys.argv[1]).execute('select count(*), count(distinct \"order\"), sum(\"order\") from orders').fetchone())",
                arguments: [database])
            #expect(orders == "1099 1099 \((1...1100).reduce(0, +) - 500)\n")
            try await store.close()
        } cleanup: {
            await server.killAndWait()
        }
    }
}

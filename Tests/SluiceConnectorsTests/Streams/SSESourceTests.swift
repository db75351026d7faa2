import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// The SSE source against a scripted event-stream server on loopback (Python's http.server),
/// which logs every connection with its `Last-Event-ID` and `Authorization` headers.
@Suite struct SSESourceTests {
    /// The connections the server logged, once there are `count` of them (the server writes
    /// its log after it answers, so the last line may come a moment after the client's read
    /// ended); gives up after a minute and returns what there is.
    static func connects(_ server: StreamTestServer, reaching count: Int) async throws -> Int {
        var seen = try server.entries("connect").count
        var waited = 0
        while seen < count, waited < 600 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
            seen = try server.entries("connect").count
        }
        return seen
    }

    static let script = #"""
        import json, sys, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        log_path = sys.argv[1]
        connections = {}
        def log(**entry):
            with open(log_path, 'a') as f: f.write(json.dumps(entry) + '\n')
        def order(n): return 'id: %d\nevent: order\ndata: {"n": %d}\n\n' % (n, n)
        class H(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            def log_message(self, *a): pass
            def start(self, code=200):
                self.send_response(code)
                self.send_header('Content-Type', 'text/event-stream' if code == 200 else 'text/plain')
                if code != 200: self.send_header('Content-Length', '0')
                else: self.send_header('Connection', 'close')
                self.end_headers()
            def send(self, text):
                self.wfile.write(text.encode()); self.wfile.flush()
            def hold(self, comments=True):
                try:
                    while True:
                        time.sleep(0.2)
                        if comments: self.send(': still here\n\n')
                except OSError: log(kind='closed', path=self.path)
            def do_GET(self):
                path = self.path.split('?')[0]
                n = connections[path] = connections.get(path, 0) + 1
                log(kind="connect", path=path, n=n, t=time.monotonic(), lastEventId=self.headers.get('Last-Event-ID'),
                    auth=self.headers.get('Authorization'), accept=self.headers.get('Accept'))
                if path == '/resume':
                    self.start()
                    if n == 1:
                        self.send('retry: 400\n\n' + order(1) + order(2) + 'event: ping\ndata: {}\n\n' + order(3) + order(4))
                        self.send('id: 5\nevent: order\ndata: {"n": 5')  # cut off: never dispatched
                        return
                    last = int(self.headers.get('Last-Event-ID', '0'))
                    self.send(''.join(order(i) for i in range(last + 1, 11)))
                    return self.hold()
                if path == '/bad':
                    self.start()
                    self.send('id: a1\ndata: {"ok": 1}\n\nid: a2\ndata: not json\n\nid: a3\ndata: [{"ok": 3}, 5]\n\nid: a4\ndata: {"ok": 4}\n\n')
                    return self.hold()
                if path == '/many':
                    self.start()
                    self.send('data: [' + ', '.join('{"i": %d}' % i for i in range(1, 6)) + ']\n\n')
                    self.send('data: [' + ', '.join('{"i": %d}' % i for i in range(6, 11)) + ']\n\n')
                    return self.hold()
                if path == '/silent':
                    self.start()
                    self.send(order(n))
                    return self.hold(comments=False)
                if path == '/slow':
                    self.start()
                    self.send(order(1))
                    return self.hold()
                if path == '/down': return self.start(503)
                if path == '/private': return self.start(401)
                if path == '/json':
                    self.send_response(200); self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', '2'); self.end_headers(); return self.send('{}')
                if path == '/done': return self.start(204)
                self.start(404)
        s = ThreadingHTTPServer(('127.0.0.1', 0), H)
        s.daemon_threads = True
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    static func source(_ config: Value, batchSize: Int = 100) throws -> SSESource {
        let decoded = try ValueDecoder().decode(SSESource.Config.self, from: config)
        return try SSESource(config: decoded, context: ComponentContext(dataRoots: DataRoots(["/tmp"]), batchSize: batchSize))
    }

    @Test func aDroppedStreamResumesAfterTheLastEventWithTheServersRetryTime() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let read = try await StreamRead.of(
                try Self.source([
                    "url": .string("http://127.0.0.1:\(server.port)/resume"), "events": ["order"], "idField": "eventId",
                    "headers": ["Authorization": "Bearer t0ken"], "maxRecords": 10, "retry": ["retryDelay": 0, "maxRetries": 1],
                    "connectTimeoutMs": 3_600_000, "idleTimeoutMs": 3_600_000,
                ]))
            #expect(read.records.map { $0["n"] } == (1...10).map { .int($0) })
            #expect(read.records.map { $0["eventId"] } == (1...10).map { .string("\($0)") })
            #expect(read.rejected.isEmpty)
            // Event 3 is the fourth event of the stream (a ping came before it).
            #expect(read.positions == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11])
            let connects = try server.entries("connect")
            #expect(connects.map { $0["lastEventId"] } == [.null, .string("4")])
            #expect(connects.map { $0["auth"] } == [.string("Bearer t0ken"), .string("Bearer t0ken")])
            #expect(connects.map { $0["accept"] } == [.string("text/event-stream"), .string("text/event-stream")])
            // The server asked for 400 ms between connections (the backoff itself is 0 here).
            let times = connects.compactMap { $0["t"]?.number }
            #expect(times.count == 2 && times[1] - times[0] >= 0.4)
        } cleanup: {
            await server.stop()
        }
    }

    @Test func badDataGoesToTheDeadLetterQueueWithItsEventId() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let read = try await StreamRead.of(try Self.source(["url": .string("http://127.0.0.1:\(server.port)/bad"), "maxRecords": 3, "connectTimeoutMs": 3_600_000, "idleTimeoutMs": 3_600_000]))
            #expect(read.values == [["ok": 1], ["ok": 3], ["ok": 4]])
            #expect(read.positions == [1, 3, 4])
            #expect(read.rejected.count == 2)
            let notJSON = try #require(read.rejected.first)
            #expect(notJSON.record == ["id": "a2", "event": "message", "data": "not json"])
            #expect(notJSON.position == 2)
            #expect(notJSON.stage == "source")
            #expect(notJSON.message.hasPrefix("the data of event 'a2' (#2) is not JSON: "))
            #expect(read.rejected.last == Rejection(record: 5, reasons: ["element 1 of the data of event 'a3' (#3) is not an object"], position: 3, stage: "source"))
        } cleanup: {
            await server.stop()
        }
    }

    @Test func maxRecordsIsExactAndBatchesAreFull() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let read = try await StreamRead.of(try Self.source(["url": .string("http://127.0.0.1:\(server.port)/many"), "maxRecords": 7, "connectTimeoutMs": 3_600_000, "idleTimeoutMs": 3_600_000], batchSize: 3))
            #expect(read.values == (1...7).map { n -> Value in ["i": .int(n)] })
            #expect(read.positions == [1, 1, 1, 1, 1, 2, 2])
            #expect(read.batchSizes.reduce(0, +) == 7 && read.batchSizes.allSatisfy { $0 <= 3 })
            #expect(try server.entries("connect").count == 1)
        } cleanup: {
            await server.stop()
        }
    }

    @Test func aSilentConnectionCountsAsDroppedAfterTheIdleTimeout() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let read = try await StreamRead.of(
                try Self.source([
                    "url": .string("http://127.0.0.1:\(server.port)/silent"), "maxRecords": 2, "idleTimeoutMs": 300, "retry": ["retryDelay": 0],
                ]))
            #expect(read.values == [["n": 1], ["n": 2]])
            #expect(try server.entries("connect").map { $0["lastEventId"] } == [.null, .string("1")])
        } cleanup: {
            await server.stop()
        }
    }

    @Test func maxDurationEndsTheReadWithWhatArrived() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            // The server sends one event and then nothing: only maxDurationMs can end the read. (What
            // arrived in the half second depends on how busy the machine is: at most that event.)
            let read = try await StreamRead.of(try Self.source(["url": .string("http://127.0.0.1:\(server.port)/slow"), "maxDurationMs": 500]))
            #expect(read.values == Array([["n": 1]].prefix(read.values.count)))
            #expect(try server.entries("connect").count <= 1)
        } cleanup: {
            await server.stop()
        }
    }

    @Test func givingUpNamesTheURLWithoutItsQuery() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let base = "http://127.0.0.1:\(server.port)"
            await #expect(
                throws: ConnectorError.remote(
                    "sse:\(base)/down: gave up after 3 failed connection attempts in a row (retry.maxRetries is 2): the server answered HTTP 503 Service Unavailable")
            ) {
                _ = try await StreamRead.of(
                    try Self.source(["url": .string("\(base)/down?token=s3cret"), "maxRecords": 1, "retry": ["maxRetries": 2, "retryDelay": 1]]))
            }
            #expect(try await Self.connects(server, reaching: 3) == 3)
            // A 4xx answer and a body that is no event stream fail at once; a 204 ends the read.
            await #expect(throws: ConnectorError.remote("sse:\(base)/private: the server answered HTTP 401 Unauthorized")) {
                _ = try await StreamRead.of(try Self.source(["url": .string("\(base)/private"), "maxRecords": 1]))
            }
            await #expect(throws: ConnectorError.remote("sse:\(base)/json: the answer is not an event stream (Content-Type 'application/json')")) {
                _ = try await StreamRead.of(try Self.source(["url": .string("\(base)/json"), "maxRecords": 1]))
            }
            let done = try await StreamRead.of(try Self.source(["url": .string("\(base)/done"), "maxRecords": 1]))
            #expect(done.values.isEmpty)
            #expect(try await Self.connects(server, reaching: 6) == 6)
        } cleanup: {
            await server.stop()
        }
    }

    @Test func stoppingTheJobClosesTheConnection() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let source = try Self.source(["url": .string("http://127.0.0.1:\(server.port)/slow"), "maxDurationMs": 600_000])
            let task = Task {
                let reader = try await source.open()
                while try await reader.next() != nil {}
            }
            while try server.entries("connect").isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            // The server notices the closed connection at its next write.
            while try server.entries("closed").isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        } cleanup: {
            await server.stop()
        }
    }

    @Test func badConfigurationsNameTheKey() throws {
        #expect(throws: SpecError(path: "url", "expected an http:// or https:// URL, got 'ws://x/y'")) {
            _ = try Self.source(["url": "ws://x/y", "maxRecords": 1])
        }
        #expect(
            throws: SpecError(
                path: "maxRecords",
                "set maxRecords or maxDurationMs (or both): a stream has no end of its own; or continuous: true to read until the job is stopped")
        ) {
            _ = try Self.source(["url": "http://x/y"])
        }
        #expect(
            throws: SpecError(path: "maxDurationMs", "ends the read, and a continuous read goes on until the job is stopped; remove maxDurationMs or continuous")
        ) {
            _ = try Self.source(["url": "http://x/y", "continuous": true, "maxDurationMs": 5])
        }
        #expect(try Self.source(["url": "http://x/y", "continuous": true]).isContinuous)
        #expect(try Self.source(["url": "http://x/y", "maxRecords": 3]).isContinuous == false)
        #expect(throws: SpecError(path: "events", "list at least one event type, none of them empty")) {
            _ = try Self.source(["url": "http://x/y", "maxRecords": 1, "events": []])
        }
        #expect(throws: SpecError(path: "eventField", "must differ from idField ('e')")) {
            _ = try Self.source(["url": "http://x/y", "maxRecords": 1, "idField": "e", "eventField": "e"])
        }
        #expect(try Self.source(["url": "http://u:pw@x/y?key=1", "maxRecords": 1]).location == "sse:http://u:***@x/y")
    }
}

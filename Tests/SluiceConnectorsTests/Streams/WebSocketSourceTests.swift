import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// The WebSocket source against a scripted server on loopback (the `websockets` package),
/// which logs every connection with its `Authorization` header and every message it receives.
@Suite struct WebSocketSourceTests {
    static let script = #"""
        import asyncio, json, sys
        from websockets.asyncio.server import serve
        log_path = sys.argv[1]
        connections = {}
        def log(**entry):
            with open(log_path, 'a') as f: f.write(json.dumps(entry) + '\n')
        async def handler(ws):
            path = ws.request.path.split('?')[0]
            n = connections[path] = connections.get(path, 0) + 1
            log(kind='connect', path=path, n=n, auth=ws.request.headers.get('Authorization'))
            try:
                if path == '/feed':
                    log(kind='subscribe', n=n, message=await ws.recv())
                    if n == 1:
                        for m in ['{"n": 1}', '[{"n": 2}, {"n": 3}]', 'oops', '[{"n": 4}, 7]', '{"n": 5}']: await ws.send(m)
                        await asyncio.sleep(0.2)
                        # Dropped without a close handshake. A FIN, not a reset: a reset makes the
                        # client's kernel discard what it has not read yet, and a busy test
                        # process may not have read the five messages.
                        ws.transport.close()
                        return
                    for m in ['{"n": 6}', '{"n": 7}', '{"n": 8}']: await ws.send(m)
                elif path == '/many':
                    await ws.send(json.dumps([{"i": i} for i in range(1, 6)]))
                    await ws.send(json.dumps([{"i": i} for i in range(6, 11)]))
                elif path == '/large':
                    await ws.send(['{"big": "' + 'x' * 50, 'y' * 50 + '"}'])  # one message in two frames
                    await ws.send('{"small": 1}')
                    await ws.send(b'{"binary": 2}')
                await ws.wait_closed()
            finally:
                log(kind='closed', path=path, n=n)
        async def main():
            async with serve(handler, '127.0.0.1', 0) as server:
                print(server.sockets[0].getsockname()[1], flush=True)
                await asyncio.Future()
        asyncio.run(main())
        """#

    static func source(_ config: Value, batchSize: Int = 100) throws -> WebSocketSource {
        let decoded = try ValueDecoder().decode(WebSocketSource.Config.self, from: config)
        return try WebSocketSource(config: decoded, context: ComponentContext(dataRoots: DataRoots(["/tmp"]), batchSize: batchSize))
    }

    @Test func subscribesReadsArraysRefusesBadMessagesAndReconnectsAfterADrop() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let read = try await StreamRead.of(
                try Self.source([
                    "url": .string("ws://127.0.0.1:\(server.port)/feed?session=1"), "headers": ["Authorization": "Bearer t0ken"],
                    "subscribe": ["op": "subscribe", "channel": "trades"], "maxRecords": 7, "retry": ["retryDelay": 0, "maxRetries": 1],
                    "connectTimeoutMs": 3_600_000, "idleTimeoutMs": 3_600_000,
                ]))
            #expect(read.values == (1...7).map { n -> Value in ["n": .int(n)] })
            // Sequence numbers run on across the reconnection.
            #expect(read.positions == [1, 2, 2, 4, 5, 6, 7])
            #expect(read.rejected.count == 2)
            let oops = try #require(read.rejected.first)
            #expect(oops.record == "oops")
            #expect(oops.position == 3)
            #expect(oops.message.hasPrefix("message 3 is not JSON: "))
            #expect(read.rejected.last == Rejection(record: 7, reasons: ["element 1 of message 4 is not an object"], position: 4, stage: "source"))
            #expect(try server.entries("connect").map { $0["auth"] } == [.string("Bearer t0ken"), .string("Bearer t0ken")])
            #expect(
                try server.entries("subscribe").map { $0["message"] } == Array(repeating: .string(#"{"op":"subscribe","channel":"trades"}"#), count: 2))
        } cleanup: {
            await server.stop()
        }
    }

    @Test func maxRecordsIsExact() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let read = try await StreamRead.of(try Self.source(["url": .string("ws://127.0.0.1:\(server.port)/many"), "maxRecords": 7], batchSize: 4))
            #expect(read.values == (1...7).map { n -> Value in ["i": .int(n)] })
            #expect(read.positions == [1, 1, 1, 1, 1, 2, 2])
            #expect(read.batchSizes.reduce(0, +) == 7 && read.batchSizes.allSatisfy { $0 <= 4 })
            // The read's end closes the connection.
            while try server.entries("closed").isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        } cleanup: {
            await server.stop()
        }
    }

    @Test func aMessageLargerThanTheLimitIsSkippedIntoTheDeadLetterQueue() async throws {
        let server = try await StreamTestServer(script: Self.script)
        try await withAsyncCleanup {
            let read = try await StreamRead.of(
                try Self.source(["url": .string("ws://127.0.0.1:\(server.port)/large"), "maxRecords": 2, "maxMessageBytes": 80]))
            #expect(read.values == [["small": 1], ["binary": 2]])
            #expect(read.positions == [2, 3])
            #expect(
                read.rejected == [
                    Rejection(record: .null, reasons: ["message 1 is larger than maxMessageBytes (80 bytes); it was skipped"], position: 1, stage: "source")
                ])
        } cleanup: {
            await server.stop()
        }
    }

    @Test func givesUpAfterMaxRetriesWhenTheServerIsGone() async throws {
        let port = try await closedLoopbackPort()
        let url = "ws://127.0.0.1:\(port)/feed"
        do {
            _ = try await StreamRead.of(try Self.source(["url": .string(url + "?key=s3cret"), "maxRecords": 1, "retry": ["maxRetries": 2, "retryDelay": 1]]))
            Issue.record("the read should have failed")
        } catch let error as ConnectorError {
            let message = error.description
            #expect(message.hasPrefix("websocket:\(url): gave up after 3 failed connection attempts in a row (retry.maxRetries is 2): "), "\(message)")
            #expect(!message.contains("s3cret"))
        }
    }

    /// A server that accepts connections and never answers the upgrade, logging each one.
    static let muteScript = #"""
        import json, socket, sys
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(16)
        print(s.getsockname()[1], flush=True)
        held = []
        while True:
            c, _ = s.accept(); held.append(c)
            with open(sys.argv[1], 'a') as f: f.write(json.dumps({"kind": "connect"}) + '\n')
        """#

    @Test func anUnansweredUpgradeIsAConnectTimeout() async throws {
        let server = try await StreamTestServer(script: Self.muteScript)
        // Its only `try` outside a closure is in `#expect`, which the closure's inferred type
        // does not see: declared throwing.
        try await withAsyncCleanup { () async throws in
            let url = "ws://127.0.0.1:\(server.port)/feed"
            await #expect(
                throws: ConnectorError.remote(
                    "websocket:\(url): gave up after 2 failed connection attempts in a row (retry.maxRetries is 1): connecting took longer than 300 ms (connectTimeoutMs)")
            ) {
                _ = try await StreamRead.of(try Self.source(["url": .string(url), "maxRecords": 1, "connectTimeoutMs": 300, "retry": ["maxRetries": 1, "retryDelay": 1]]))
            }
            #expect(try server.entries("connect").count == 2)
        } cleanup: {
            await server.stop()
        }
    }

    @Test func badConfigurationsNameTheKey() throws {
        #expect(throws: SpecError(path: "url", "expected a ws:// or wss:// URL, got 'http://x/y'")) {
            _ = try Self.source(["url": "http://x/y", "maxRecords": 1])
        }
        #expect(throws: SpecError(path: "headers", "'bad header' is not a valid header name")) {
            _ = try Self.source(["url": "ws://x/y", "maxRecords": 1, "headers": ["bad header": "1"]])
        }
        #expect(throws: SpecError(path: "maxDurationMs", "must be from 1 to 86400000 milliseconds, got 0")) {
            _ = try Self.source(["url": "ws://x/y", "maxDurationMs": 0])
        }
        #expect(try Self.source(["url": "wss://x/y?token=abc", "maxRecords": 1]).location == "websocket:wss://x/y")
        #expect(try Self.source(["url": "ws://x/y", "continuous": true]).isContinuous)
        #expect(throws: SpecError(path: "maxRecords", "ends the read, and a continuous read goes on until the job is stopped; remove maxRecords or continuous")) {
            _ = try Self.source(["url": "ws://x/y", "continuous": true, "maxRecords": 1])
        }
    }
}

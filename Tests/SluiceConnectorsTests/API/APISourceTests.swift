import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// Runs the API source against a real HTTP server (Python's http.server on loopback).
@Suite struct APISourceTests {
    static let server = #"""
    import json, sys
    from http.server import BaseHTTPRequestHandler, HTTPServer
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a): pass
        def reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code); self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)
        def do_GET(self):
            if self.path == '/fail': return self.reply(503, {"error": "down"})
            if self.headers.get('X-Key') != 'k1': return self.reply(401, {})
            self.reply(200, {"meta": {"n": 3}, "result": {"items": [{"id": i, "v": i * 2} for i in range(1, 2501)]}})
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
            self.reply(200, [{"echo": body["q"], "i": i} for i in range(body["n"])])
    s = HTTPServer(('127.0.0.1', 0), H)
    print(s.server_address[1], flush=True)
    s.serve_forever()
    """#

    /// Starts the server and waits (outside the cooperative pool) for the port it prints.
    static func startServer() async throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", server]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let line = try await out.fileHandleForReading.firstLine()
        return (process, Int(String(decoding: line, as: UTF8.self)) ?? 0)
    }

    static func read(_ config: Value) async throws -> [ValueObject] {
        let decoded = try ValueDecoder().decode(APISource.Config.self, from: config)
        let source = try APISource(config: decoded, context: ComponentContext(dataRoots: DataRoots(["/tmp"]), batchSize: 1000))
        let reader = try await source.open()
        var records: [ValueObject] = []
        while let chunk = try await reader.next() { records += chunk.batch.records }
        return records
    }

    @Test func getWithHeadersAndARecordsPathPostWithABodyAndErrors() async throws {
        let (process, port) = try await Self.startServer()
        try await withAsyncCleanup {
            let base = "http://127.0.0.1:\(port)"
            let got = try await Self.read(["url": .string("\(base)/items"), "headers": ["X-Key": "k1"], "recordsPath": "result.items"])
            #expect(got.count == 2500)
            #expect(got.map { $0["v"]?.number ?? 0 }.reduce(0, +) == Double((1...2500).reduce(0) { $0 + $1 * 2 }))
            let posted = try await Self.read(["url": .string("\(base)/q"), "method": "POST", "body": ["q": "hi", "n": 3]])
            #expect(posted == [ValueObject([("echo", "hi"), ("i", 0)]), ValueObject([("echo", "hi"), ("i", 1)]), ValueObject([("echo", "hi"), ("i", 2)])])
            await #expect(throws: ConnectorError.remote(#"api:\#(base)/fail answered HTTP 503 Service Unavailable: {"error": "down"}"#)) {
                _ = try await Self.read(["url": .string("\(base)/fail"), "retry": ["maxRetries": 0]])
            }
            await #expect(throws: ConnectorError.self) {
                _ = try await Self.read(["url": .string("\(base)/items")])
            }
        } cleanup: {
            // SIGKILL: a test process may have SIGTERM ignored (service-lifecycle does that), and
            // children inherit ignored signals.
            await process.killAndWait()
        }
    }

    @Test func badConfigurationsNameTheField() throws {
        func make(_ config: Value) throws {
            _ = try APISource(config: try ValueDecoder().decode(APISource.Config.self, from: config), context: ComponentContext(dataRoots: DataRoots(["/tmp"])))
        }
        #expect(throws: SpecError(path: "url", "expected an http:// or https:// URL, got 'ftp://x/y'")) { try make(["url": "ftp://x/y"]) }
        #expect(throws: SpecError(path: "method", "unsupported method 'DELETE'; expected GET or POST")) { try make(["url": "http://x/y", "method": "DELETE"]) }
    }
}

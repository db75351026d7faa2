import Foundation
import SluiceCore
import SluiceEngine
import SluiceTestSupport

/// The example runners of the stream sources (see ``ConnectorExamplesTests``): the `sse` and
/// `websocket` examples read from stand-in servers that serve the example's files.
extension ConnectorExamplesTests {
    static func runStreamSource(_ type: String, _ example: ComponentExample) async throws -> String {
        let bench = try Bench()
        defer { bench.remove() }
        try bench.writeFiles(example)
        var arguments = [bench.dir.path]
        if type == "websocket", let subscribe = try JSONParser.parse(example.config).objectValue?["subscribe"] {
            arguments.append(JSONText.string(subscribe))
        }
        let (server, port) = try await startServer(type == "sse" ? eventStreamServer : webSocketServer, arguments: arguments)
        return try await withAsyncCleanup {
            let scheme = type == "sse" ? "http" : "ws"
            let config = bench.expand(example.config).replacingOccurrences(of: "\(scheme)://localhost:{port}", with: "\(scheme)://127.0.0.1:\(port)")
            return try await bench.read(source: type, config: config, what: example.title)
        } cleanup: {
            await server.killAndWait()
        }
    }

    /// The stand-in event stream: serves the file named by the path as `text/event-stream`,
    /// then keeps the connection open with comment lines until the client leaves.
    static let eventStreamServer = #"""
        import os, sys, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        root = sys.argv[1]
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                auth = self.headers.get('Authorization')
                path = os.path.join(root, os.path.basename(self.path.split('?')[0]))
                if auth is not None and auth != 'Bearer example-token': code = 401
                elif not os.path.isfile(path): code = 404
                else: code = 200
                if code != 200:
                    self.send_response(code); self.send_header('Content-Length', '0'); self.end_headers(); return
                self.send_response(200); self.send_header('Content-Type', 'text/event-stream'); self.end_headers()
                try:
                    with open(path, 'rb') as f: self.wfile.write(f.read())
                    self.wfile.flush()
                    while True:
                        time.sleep(0.5); self.wfile.write(b': still here\n\n'); self.wfile.flush()
                except OSError: pass
        s = ThreadingHTTPServer(('127.0.0.1', 0), H)
        s.daemon_threads = True
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#

    /// The stand-in WebSocket server: checks the token and the `subscribe` message (argument
    /// 2, when given), sends each line of the file named by the path as a message, then waits
    /// for the client to leave.
    static let webSocketServer = #"""
        import asyncio, json, os, sys
        from websockets.asyncio.server import serve
        root = sys.argv[1]
        expected = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
        async def handler(ws):
            auth = ws.request.headers.get('Authorization')
            if auth is not None and auth != 'Bearer example-token': return await ws.close(1008, 'bad token')
            if expected is not None:
                first = await ws.recv()
                try: got = json.loads(first)
                except ValueError: got = first
                if got != expected: return await ws.close(1008, 'unexpected subscribe message')
            with open(os.path.join(root, os.path.basename(ws.request.path.split('?')[0]))) as f:
                for line in f.read().split('\n'):
                    if line: await ws.send(line)
            await ws.wait_closed()
        async def main():
            async with serve(handler, '127.0.0.1', 0) as server:
                print(server.sockets[0].getsockname()[1], flush=True)
                await asyncio.Future()
        asyncio.run(main())
        """#

    /// Starts `python3 -c script arguments…`, which prints its port on its first line, and waits
    /// (outside the cooperative pool) for that line.
    static func startServer(_ script: String, arguments: [String]) async throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let line = try await out.fileHandleForReading.firstLine()
        return (process, Int(String(decoding: line, as: UTF8.self)) ?? 0)
    }
}

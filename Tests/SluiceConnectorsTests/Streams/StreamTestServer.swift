import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport

/// A scripted stand-in server (a python3 script) on loopback for the stream sources' tests:
/// the script gets the path of a log file as its argument, prints its port on its first line,
/// and appends one JSON object per line to the log for what it saw (connections, headers,
/// messages), which the tests then assert on.
struct StreamTestServer {
    let server: LoopbackServer
    let log: String
    private let directory: TemporaryDirectory

    var port: Int { server.port }

    init(script: String) async throws {
        directory = try TemporaryDirectory(prefix: "sluice-stream-server")
        log = directory.file("log.jsonl")
        server = try await LoopbackServer(code: script, arguments: [log])
    }

    /// Ends the server (see ``LoopbackServer/stop()``) and removes its log.
    func stop() async {
        await server.stop()
        directory.remove()
    }

    /// What the server logged so far, one object per line.
    func entries() throws -> [ValueObject] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)).objectValue ?? ValueObject() }
    }

    /// The logged entries of `kind` (their `kind` field).
    func entries(_ kind: String) throws -> [ValueObject] {
        try entries().filter { $0["kind"]?.stringValue == kind }
    }
}

/// Reads a stream source to its end: the records, their positions, the rejections and the
/// size of each batch.
struct StreamRead {
    var records: [ValueObject] = []
    var positions: [Int] = []
    var rejected: [Rejection] = []
    var batchSizes: [Int] = []

    /// The records as values, to compare with literals.
    var values: [Value] { records.map { .object($0) } }

    static func of(_ source: any Source) async throws -> StreamRead {
        let reader = try await source.open()
        var read = StreamRead()
        while let chunk = try await reader.next() {
            read.records += chunk.batch.records
            read.positions += chunk.batch.positions
            read.rejected += chunk.rejected
            if !chunk.batch.isEmpty { read.batchSizes.append(chunk.batch.count) }
        }
        return read
    }
}

/// A loopback port nothing listens on (bound, then closed again).
func closedLoopbackPort() async throws -> Int {
    let output = try await Python.run("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
    return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
}

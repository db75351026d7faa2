import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport

/// A scripted stand-in server (a python3 script) on loopback for the stream sources' tests:
/// the script gets the path of a log file as its argument, prints its port on its first line,
/// and appends one JSON object per line to the log for what it saw (connections, headers,
/// messages), which the tests then assert on.
struct StreamTestServer {
    let process: Process
    let port: Int
    let log: String
    private let directory: TemporaryDirectory

    init(script: String) throws {
        directory = try TemporaryDirectory(prefix: "sluice-stream-server")
        log = directory.file("log.jsonl")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, log]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        port = Int(String(decoding: line, as: UTF8.self)) ?? 0
    }

    /// Ends the server with SIGKILL (a test process may have SIGTERM ignored, and children
    /// inherit ignored signals) and removes its log.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
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
func closedLoopbackPort() throws -> Int {
    let output = try Python.run("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
    return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
}

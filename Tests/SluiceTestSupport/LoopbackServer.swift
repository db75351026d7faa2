import Foundation

/// A helper server a test starts on loopback: a Python script that prints the port it listens
/// on as its first line. It is killed (SIGKILL: a test process may ignore SIGTERM, and children
/// inherit ignored signals) when ``stop()`` is called or the value is released.
public final class LoopbackServer: @unchecked Sendable {
    public let process: Process
    /// The port the script printed.
    public let port: Int

    /// Starts `python3 <script> arguments…` (a path) and waits for its port.
    public convenience init(script: String, arguments: [String] = []) async throws {
        try await self.init(python: [script] + arguments)
    }

    /// Starts `python3 -c <code> arguments…` and waits for its port.
    public convenience init(code: String, arguments: [String] = []) async throws {
        try await self.init(python: ["-c", code] + arguments)
    }

    private init(python arguments: [String]) async throws {
        let script = arguments.first == "-c" ? "the server script" : arguments.first ?? "python3"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // Read outside the cooperative pool: python may take seconds to start on a busy machine.
        let line = try await out.fileHandleForReading.firstLine()
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw Python.Failure(description: "\(script) did not print its port (got '\(String(decoding: line, as: UTF8.self))')")
        }
        self.port = port
    }

    /// The stand-in REST API of the HTTP connector tests (`scripts/http/api_server.py`).
    public static func api(arguments: [String] = []) async throws -> LoopbackServer {
        try await LoopbackServer(script: RepositoryFiles.path("scripts/http/api_server.py"), arguments: arguments)
    }

    /// `http://127.0.0.1:<port>`.
    public var base: String { "http://127.0.0.1:\(port)" }

    /// Stops the server: SIGKILL, then waits (outside the cooperative pool) until it has ended.
    public func stop() async {
        await process.killAndWait()
    }

    /// A `deinit` cannot await, so the release of a server still running only sends SIGKILL,
    /// without waiting: nothing after it can observe whether the process had ended yet, and
    /// Foundation reaps it (the `Process` object lives on until it has).
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

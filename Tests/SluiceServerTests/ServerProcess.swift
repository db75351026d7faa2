import Foundation
import NIOHTTP1
import SluiceCore

#if canImport(Glibc)
import Glibc
#endif

/// The built `sluice serve` as its own process, for what only a real process shows: a
/// SIGKILL mid-job, SIGTERM, and what the next start finds.
final class ServerProcess {
    let process: Process
    let port: Int
    let logPath: String
    /// Every response body it gave, in order.
    private(set) var responses = ""

    /// Starts `sluice serve` on a free port with `environment` (state, data roots…) and waits
    /// until it listens; its log (JSON lines) goes to `logPath`. Inherited `SLUICE_*`
    /// variables are dropped, so only `environment` configures it.
    static func start(
        environment: [String: String], logPath: String, workingDirectory: String? = nil
    ) async throws -> ServerProcess {
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        // Restarts append to the same log; the new process's lines start here.
        let startOffset = Int(log.seekToEndOfFile())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = ["serve"]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLUICE_") }
        env.merge(["PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "info"]) { _, new in new }
        env.merge(environment) { _, new in new }
        process.environment = env
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<2400 {
            if let port = listeningPort(logPath, after: startOffset) {
                return ServerProcess(process: process, port: port, logPath: logPath)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        process.terminate()
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        throw Failure(message: "sluice serve did not start listening; its log:\n\(text)")
    }

    private init(process: Process, port: Int, logPath: String) {
        self.process = process
        self.port = port
        self.logPath = logPath
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// The port of the first "sluice listening" line written after `offset`.
    static func listeningPort(_ logPath: String, after offset: Int) -> Int? {
        guard let data = FileManager.default.contents(atPath: logPath), data.count > offset else { return nil }
        for line in String(decoding: data.dropFirst(offset), as: UTF8.self).split(separator: "\n")
        where line.contains("sluice listening") {
            if let value = try? JSONParser.parse(String(line)), case .object(let o) = value {
                let port = o["port"]
                if case .string(let text)? = port, let number = Int(text) { return number }
                if case .int(let number)? = port { return number }
            }
        }
        return nil
    }

    /// Sends a request; the body is also kept in ``responses``.
    func request(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> ServerHarness.Reply {
        let reply = try await ServerHarness.request(port: port, method, path, body: body)
        responses += reply.text + "\n"
        return reply
    }

    /// SIGTERM, and waits (outside the cooperative pool) for the process to drain and end
    /// (no-op once it has ended).
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        await process.exited()
    }

    /// SIGKILL: no clean-up of any kind runs. Waits (outside the cooperative pool) for the
    /// process to end.
    func kill() async {
        Glibc.kill(process.processIdentifier, SIGKILL)
        await process.exited()
    }

    /// Sends `signal` and waits up to `limit` for the process to end; answers whether it did.
    func signal(_ signal: Int32, waitingUpTo limit: Duration) async throws -> Bool {
        Glibc.kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(25))
        }
        return !process.isRunning
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A nats-server of a test's own, with JetStream, on a free loopback port, its store (`-sd`)
/// in a temporary directory, so a restart keeps the streams and the consumers' state. It is
/// killed when the test releases it. `scripts/test.sh` installs nats-server when it is missing.
public final class NATSTestServer: @unchecked Sendable {
    public let port: Int
    /// The user and password every client must sign in with, if any.
    public let user: String?
    public let password: String?
    /// The token every client must sign in with, if any.
    public let token: String?
    /// The server's `ping_interval` in milliseconds, if shorter than its default (2 minutes).
    public let pingIntervalMs: Int?
    public let directory: URL
    private var process: Process?

    /// `nats://127.0.0.1:<port>` (without credentials).
    public var url: String { "nats://127.0.0.1:\(port)" }

    /// The URL with the credentials, as nats-py takes it.
    public var clientURL: String {
        if let user, let password { return "nats://\(user):\(password)@127.0.0.1:\(port)" }
        if let token { return "nats://\(token)@127.0.0.1:\(port)" }
        return url
    }

    /// Starts a server; with `user` and `password` (or `token`) clients must sign in, and
    /// with `pingIntervalMs` the server pings every client that often (and drops one that
    /// leaves three pings unanswered).
    public static func start(user: String? = nil, password: String? = nil, token: String? = nil, pingIntervalMs: Int? = nil) async throws -> NATSTestServer {
        let server = try NATSTestServer(port: try RedisTestServer.freePort(), user: user, password: password, token: token, pingIntervalMs: pingIntervalMs)
        try await server.launch()
        return server
    }

    private init(port: Int, user: String?, password: String?, token: String?, pingIntervalMs: Int?) throws {
        self.port = port
        self.user = user
        self.password = password
        self.token = token
        self.pingIntervalMs = pingIntervalMs
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-nats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Kills the server at once (as a crash would), keeping its store.
    public func kill() async {
        guard let process, process.isRunning else { return }
        await process.killAndWait()
        self.process = nil
    }

    /// Starts the server again on the same port with the store it had.
    public func restart() async throws {
        await kill()
        try await launch()
    }

    deinit {
        // No waiting here: Foundation reaps the child.
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch() async throws {
        guard let binary = ["/usr/bin/nats-server", "/usr/local/bin/nats-server", "/usr/sbin/nats-server"].first(where: FileManager.default.isExecutableFile)
        else {
            throw Python.Failure(description: "nats-server is not installed: run the tests with `bash scripts/test.sh`, which installs it")
        }
        let log = directory.appendingPathComponent("nats.log")
        var arguments = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", directory.appendingPathComponent("js").path, "-l", log.path]
        // A configuration file for what the command line cannot set: the time a client has to
        // sign in after connecting (2 s by default) is 10 minutes, because under the whole
        // suite on two cores a client may wait that long for a thread.
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var config = ""
        if let user, let password {
            config += "authorization { user: \(quoted(user)), password: \(quoted(password)), timeout: 600 }\n"
        } else if let token {
            config += "authorization { token: \(quoted(token)), timeout: 600 }\n"
        }
        if let pingIntervalMs { config += "ping_interval: \"\(pingIntervalMs)ms\"\nping_max: 3\n" }
        if !config.isEmpty {
            let file = directory.appendingPathComponent("nats.conf")
            try config.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["-c", file.path]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<500 {
            if RedisTestServer.accepts(port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        await kill()
        throw Python.Failure(description: "nats-server did not start on port \(port): \(text.suffix(2000))")
    }
}

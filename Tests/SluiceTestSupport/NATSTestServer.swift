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
    /// leaves two pings unanswered).
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
        if let user, let password { arguments += ["--user", user, "--pass", password] }
        if let token { arguments += ["--auth", token] }
        if let pingIntervalMs {
            let config = directory.appendingPathComponent("nats.conf")
            try "ping_interval: \"\(pingIntervalMs)ms\"\nping_max: 2\n".write(to: config, atomically: true, encoding: .utf8)
            arguments += ["-c", config.path]
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

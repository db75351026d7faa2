import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A redis-server of a test's own, on a free loopback port, with its data in a temporary
/// directory (append-only file on, so a restart keeps the streams). It is killed when the test
/// releases it. `scripts/test.sh` installs redis-server when it is missing.
public final class RedisTestServer: @unchecked Sendable {
    public let port: Int
    public let password: String?
    let directory: URL
    private var process: Process?

    /// `redis://127.0.0.1:<port>` (without the password).
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts a server; with `password`, clients must `AUTH` with it.
    public static func start(password: String? = nil) async throws -> RedisTestServer {
        let server = try RedisTestServer(port: try freePort(), password: password)
        try await server.launch()
        return server
    }

    private init(port: Int, password: String?) throws {
        self.port = port
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Kills the server at once (as a crash would), keeping its data.
    public func kill() async {
        guard let process, process.isRunning else { return }
        await process.killAndWait()
        self.process = nil
    }

    /// Starts the server again on the same port with the data it had.
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
        guard let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first(where: FileManager.default.isExecutableFile)
        else {
            throw Python.Failure(description: "redis-server is not installed: run the tests with `bash scripts/test.sh`, which installs it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path, "--save", "", "--appendonly", "yes",
            "--appendfsync", "always", "--daemonize", "no", "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<500 {
            if Self.accepts(port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        await kill()
        throw Python.Failure(description: "redis-server did not start on port \(port): \(log.suffix(2000))")
    }

    /// Whether something accepts TCP connections on the loopback port.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Python.Failure(description: "no socket for a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Python.Failure(description: "could not bind a socket to pick a free port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

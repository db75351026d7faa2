import Foundation

/// A MariaDB server of the test's own, with TLS: certificates made by `openssl` (a CA, and
/// a server certificate for `localhost` and `127.0.0.1`), a fresh data directory from
/// `mariadb-install-db`, and `mariadbd` on a free loopback port with `--skip-grant-tables`
/// (any user logs in) and a 64 MB `max_allowed_packet`. Needs the MariaDB server binaries,
/// which the test setup that starts the shared test server has.
///
/// For what the shared test server cannot do: TLS (it has none) and packets above 16 MiB
/// (its packet limit is 16 MB).
public final class MySQLPrivateServer {
    /// The directory holding the certificates, the data directory and the server's log.
    public let directory: TemporaryDirectory
    /// The loopback port the server listens on.
    public let port: Int
    private let process: Process

    /// The CA certificate that signed the server's certificate.
    public var caFile: String { directory.file("ca.pem") }
    /// Another CA, which did not.
    public var otherCAFile: String { directory.file("other-ca.pem") }

    /// A failure to set up or start the server, with the tool's or the server's output.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Makes the certificates and the data directory, starts the server, and returns once the
    /// `mariadb` client can log in.
    public static func start() async throws -> MySQLPrivateServer {
        let directory = try TemporaryDirectory(prefix: "sluice-mariadb")
        do {
            try await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Sluice Test CA"], in: directory)
            try await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Other CA"], in: directory)
            try await run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: directory)
            try directory.write("ext.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
            try await run("openssl", ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf"], in: directory)
            try await run("mariadb-install-db", ["--no-defaults", "--datadir=\(directory.file("data"))", "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root"], in: directory)
        } catch {
            directory.remove()
            throw error
        }
        let port = try await freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "mariadbd", "--no-defaults", "--user=root", "--datadir=\(directory.file("data"))", "--port=\(port)", "--bind-address=127.0.0.1",
            "--socket=\(directory.file("sock"))", "--skip-grant-tables", "--ssl-ca=\(directory.file("ca.pem"))",
            "--ssl-cert=\(directory.file("server.pem"))", "--ssl-key=\(directory.file("server.key"))", "--max-allowed-packet=64M",
            "--innodb-buffer-pool-size=16M", "--skip-log-bin", "--max-connect-errors=1000000", "--connect-timeout=3600",
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        _ = FileManager.default.createFile(atPath: directory.file("server.log"), contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory.file("server.log"))
        try process.run()
        let server = MySQLPrivateServer(directory: directory, port: port, process: process)
        for _ in 0..<150 {
            if (try? await run("mariadb", ["--no-defaults", "--protocol=TCP", "-h127.0.0.1", "-P\(port)", "-uroot", "-e", "SELECT 1"], in: directory)) != nil {
                return server
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? directory.read("server.log")) ?? ""
        await server.stop()
        throw Failure(description: "the private MariaDB server did not start: \(log)")
    }

    private init(directory: TemporaryDirectory, port: Int, process: Process) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    /// Stops the server (SIGTERM to the process this object started) and deletes its files;
    /// the wait for the server to shut down runs outside the cooperative pool.
    public func stop() async {
        if process.isRunning {
            process.terminate()
            await process.exited()
        }
        directory.remove()
    }

    /// Runs `tool arguments…` in `directory` to its end, outside the cooperative pool (key
    /// generation and `mariadb-install-db` take seconds); throws with its stderr on failure.
    private static func run(_ tool: String, _ arguments: [String], in directory: TemporaryDirectory) async throws {
        let path = directory.path
        try await offThePool { try runBlocking(tool, arguments, in: path) }
    }

    /// ``run(_:_:in:)`` on the calling thread, which it blocks until the tool ends.
    private static func runBlocking(_ tool: String, _ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(tool) failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
    }

    /// A loopback port nothing listens on (the kernel's pick for a socket bound to port 0).
    private static func freePort() async throws -> Int {
        let output = try await Python.run("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
        guard let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(description: "no free port: python printed \(output)")
        }
        return port
    }
}

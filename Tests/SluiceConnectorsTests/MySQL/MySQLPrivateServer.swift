import Foundation
import NIOCore
import NIOPosix
import SluiceConnectors
import SluiceTestSupport

/// A MariaDB server of the test's own, with TLS: certificates made by `openssl` (a CA, and
/// a server certificate for `localhost` and `127.0.0.1`), a fresh data directory from
/// `mariadb-install-db`, and `mariadbd` on a free loopback port with `--skip-grant-tables`
/// (any user logs in) and a 64 MB `max_allowed_packet`. Needs the MariaDB server binaries,
/// which the test setup that starts the shared test server has.
final class MySQLPrivateServer {
    let directory: TemporaryDirectory
    let port: Int
    private let process: Process

    /// The CA certificate that signed the server's certificate.
    var caFile: String { directory.file("ca.pem") }
    /// Another CA, which did not.
    var otherCAFile: String { directory.file("other-ca.pem") }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func start() async throws -> MySQLPrivateServer {
        let directory = try TemporaryDirectory(prefix: "sluice-mariadb")
        do {
            try run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Sluice Test CA"], in: directory)
            try run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Other CA"], in: directory)
            try run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: directory)
            try directory.write("ext.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
            try run("openssl", ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf"], in: directory)
            try run("mariadb-install-db", ["--no-defaults", "--datadir=\(directory.file("data"))", "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root"], in: directory)
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
            "--innodb-buffer-pool-size=16M", "--skip-log-bin", "--max-connect-errors=1000000", "--connect-timeout=300",
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        _ = FileManager.default.createFile(atPath: directory.file("server.log"), contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory.file("server.log"))
        try process.run()
        let server = MySQLPrivateServer(directory: directory, port: port, process: process)
        for _ in 0..<150 {
            if let connection = try? await MySQLConnection.connect(server.configuration(tls: .init(mode: .disable))) {
                await connection.close()
                return server
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? directory.read("server.log")) ?? ""
        server.stop()
        throw Failure(description: "the private MariaDB server did not start: \(log)")
    }

    private init(directory: TemporaryDirectory, port: Int, process: Process) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    func configuration(tls: MySQLTLSConfiguration, host: String = "127.0.0.1") -> MySQLConnectionConfiguration {
        MySQLConnectionConfiguration(host: host, port: port, user: "root", password: "", database: "mysql", tls: tls, connectTimeout: .seconds(300))
    }

    /// Stops the server (SIGTERM to the process this object started) and deletes its files.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        directory.remove()
    }

    private static func run(_ tool: String, _ arguments: [String], in directory: TemporaryDirectory) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
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
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

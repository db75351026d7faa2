import Foundation
import SluiceTestSupport

/// Runs SQL through the servers' own command-line clients (`psql`, `mariadb`): an oracle
/// independent of Sluice's connectors for setting up and checking the database tests.
enum CommandLineClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The output of `psql URL -AtX -c SQL` (unaligned, tuples only), without the last newline.
    static func psql(_ url: String, _ sql: String) async throws -> String {
        try await run("/usr/bin/env", ["psql", url, "-AtX", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    /// The output of `mariadb` (batch mode, no column names) for a `mysql://user:pw@host:port/db` URL.
    static func mariadb(_ url: String, _ sql: String) async throws -> String {
        guard let parts = URLComponents(string: url), let host = parts.host, let port = parts.port, let user = parts.user else {
            throw Failure(description: "bad MariaDB URL \(url)")
        }
        let database = String(parts.path.dropFirst())
        return try await run(
            "/usr/bin/env",
            ["mariadb", "--no-defaults", "-h", host, "-P", "\(port)", "-u", user, "-p\(parts.password ?? "")", "-N", "-B", database, "-e", sql])
    }

    /// Runs the client to its end outside the cooperative pool (see ``offThePool(_:)``).
    private static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await offThePool { try runBlocking(executable, arguments) }
    }

    /// ``run(_:_:)`` on the calling thread, which it blocks until the client ends.
    private static func runBlocking(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(arguments.first ?? executable) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        var text = String(decoding: output, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

import Foundation
import SluiceMySQLWire
import SluiceTestSupport

/// The MariaDB server of the tests (`SLUICE_TEST_MARIADB_URL`), reached with the wire client
/// alone: no pool and no session settings (those are the connectors' and tested there).
enum MySQLTestServer {
    /// A problem with the test server's URL.
    struct BadURL: Error, CustomStringConvertible {
        let description: String
    }

    /// The connection settings of the test server's URL,
    /// `mysql://user:password@host:port/database?connect_timeout=seconds`.
    static func configuration() throws -> MySQLConnectionConfiguration {
        let text = try TestDatabases.mariadbURL()
        guard let url = URLComponents(string: text), let host = url.host, let user = url.user else {
            throw BadURL(description: "SLUICE_TEST_MARIADB_URL is not a mysql:// URL with a host and a user: \(text)")
        }
        let database = url.path.drop { $0 == "/" }
        let timeout = url.queryItems?.first { $0.name == "connect_timeout" }?.value.flatMap { Int($0) } ?? 3600
        return MySQLConnectionConfiguration(
            host: host, port: url.port ?? 3306, user: user, password: url.password ?? "",
            database: database.isEmpty ? nil : String(database), tls: .init(mode: .prefer), connectTimeout: .seconds(timeout))
    }

    /// A new connection, as the server's defaults leave it.
    static func connect() async throws -> MySQLConnection {
        try await MySQLConnection.connect(try configuration())
    }

    /// Runs `statements` on a fresh connection.
    static func execute(_ statements: [String]) async throws {
        let connection = try await connect()
        do {
            for sql in statements { try await connection.execute(sql) }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }
}

import SluiceConnectors
import SluiceCore
import SluiceMySQLWire
import SluiceTestSupport

/// The MariaDB server of the tests (`SLUICE_TEST_MARIADB_URL`), reached with this package's
/// own client.
enum MySQLTestServer {
    /// The checked endpoint of the test server's URL.
    static func endpoint(tls: MySQLTLSConfiguration.Mode? = nil) throws -> MySQLEndpoint {
        var options = MySQLConnectionOptions(url: try TestDatabases.mariadbURL())
        if let tls { options.tls = .init(mode: tls, caFile: nil) }
        return try options.resolve()
    }

    /// The test server's URL.
    static func url() throws -> String { try TestDatabases.mariadbURL() }

    /// The test server's URL with one more query parameter (`tls=require`).
    static func url(adding parameter: String) throws -> String {
        let base = try url()
        return base + (base.contains("?") ? "&" : "?") + parameter
    }

    /// A new connection with Sluice's session settings.
    static func connect() async throws -> MySQLConnection {
        try await MySQLPools.connect(try endpoint())
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

    /// The rows of `sql` as text cells.
    static func rows(_ sql: String) async throws -> [[String?]] {
        let connection = try await connect()
        do {
            let result = try await connection.query(sql)
            await connection.close()
            return result.rows
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Drops the tables `names` (for cleanup at the end of a test).
    static func drop(_ names: String...) async {
        try? await execute(names.map { "DROP TABLE IF EXISTS `\($0)`" })
    }
}

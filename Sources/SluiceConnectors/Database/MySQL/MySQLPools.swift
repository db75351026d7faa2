import SluiceCore
import SluiceMySQLWire

/// The connection pools of `mysql` sources and targets, shared through the process's
/// ``SharedResources`` under ``MySQLEndpoint/poolKey``: two components with the same
/// server, user, password, database and TLS mode use one pool.
public enum MySQLPools {
    /// Statements every pooled connection runs once after login: UTF-8 everywhere
    /// (utf8mb4), UTC for TIMESTAMP values and `NOW()`, and strict mode (STRICT_ALL_TABLES
    /// added to the server's sql_mode) so bad values are refused rather than silently
    /// truncated.
    public static let sessionSetup =
        "SET NAMES utf8mb4, time_zone = '+00:00', sql_mode = CONCAT_WS(',', NULLIF(@@session.sql_mode, ''), 'STRICT_ALL_TABLES')"

    /// The pool for `endpoint`, made on first use.
    public static func pool(for endpoint: MySQLEndpoint, in resources: SharedResources) throws -> ConnectionPool<MySQLConnection> {
        try resources.resource(endpoint.poolKey, as: ConnectionPool<MySQLConnection>.self) {
            ConnectionPool(maxConnections: endpoint.maxConnections, idleTimeout: endpoint.idleTimeout) {
                try await connect(endpoint)
            }
        }
    }

    /// Opens and prepares one connection. Failures are thrown as ``DatabaseConnectFailure``,
    /// worded for job output and classified for retries (connection failures and "too many
    /// connections" or "shutting down" answers are transient, see `MySQLConnectFailure.swift`).
    public static func connect(_ endpoint: MySQLEndpoint) async throws -> MySQLConnection {
        let connection: MySQLConnection
        do {
            connection = try await MySQLConnection.connect(endpoint.configuration)
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw DatabaseConnectFailure.mysql(error, subject: "MySQL login to \(endpoint.location) failed")
        }
        do {
            try await connection.execute(sessionSetup)
        } catch {
            await connection.abandon()
            if Task.isCancelled { throw CancellationError() }
            throw DatabaseConnectFailure.mysql(error, subject: "MySQL session setup on \(endpoint.location) failed")
        }
        return connection
    }
}

import SluiceCore

/// The connection settings every PostgreSQL component takes (`postgres` source and target,
/// `postgres_cdc`), decoded from the same `config` object as the component's own settings:
///
/// ```json
/// {"url": "postgres://app@db.internal:5432/sales?sslmode=require", "password": "${env:SLUICE_SECRET_PGPASSWORD}"}
/// {"host": "db.internal", "port": 5432, "user": "app", "password": "${env:SLUICE_SECRET_PGPASSWORD}", "database": "sales",
///  "tls": {"mode": "verify-full", "caFile": "/etc/ssl/db-ca.pem"}, "pool": {"maxConnections": 8}}
/// ```
///
/// Fields given beside `url` override the URL's parts; `password` is best given as
/// `${env:NAME}`, which the planner resolves.
public struct PostgresConnectionConfig: Decodable, Sendable {
    /// `postgres://user[:password]@host[:port]/database[?sslmode=…]` (also `postgresql://`).
    public var url: String?
    public var host: String?
    public var port: Int?
    public var user: String?
    public var password: String?
    public var database: String?
    /// TLS settings; the URL's `sslmode` sets the mode when this is absent.
    public var tls: TLSConfig?
    /// Pool settings for the pool shared by every job using this database.
    public var pool: PoolConfig?
    /// Shown in `pg_stat_activity.application_name` (default `sluice`).
    public var applicationName: String?
    /// How this job retries opening a connection (``NetworkRetryPolicy/standard`` when absent).
    public var retry: NetworkRetryPolicy.Config?
    /// The server's circuit breaker, shared with every job connecting to it.
    public var circuitBreaker: CircuitBreaker.Settings.Config?

    /// `tls` of a connection config.
    public struct TLSConfig: Decodable, Sendable {
        /// `disable`, `prefer` (TLS when the server offers it), `require` (TLS, certificate
        /// not checked, as libpq's `require`) or `verify-full` (certificate and host name checked).
        public var mode: String?
        /// PEM file of the certificate authority to trust for `verify-full` (default: the system's).
        public var caFile: String?
    }

    /// `pool` of a connection config.
    public struct PoolConfig: Decodable, Sendable {
        /// Most connections open at once to this database, across all jobs (default 4).
        public var maxConnections: Int?
        /// Seconds an unused connection stays open (default 60).
        public var idleTimeoutSeconds: Double?
    }

    enum CodingKeys: String, CodingKey {
        case url, host, port, user, password, database, tls, pool, applicationName, retry, circuitBreaker
    }
}

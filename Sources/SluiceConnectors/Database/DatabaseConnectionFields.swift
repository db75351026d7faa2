import SluiceCore

/// The connection keys of the `postgres`, `postgres_cdc` and `mysql` components, declared once
/// for all of them (``PostgresConnectionConfig`` and ``MySQLConnectionOptions`` read them).
///
/// Both servers take the same keys; only the URL's scheme and parameters, the default port,
/// what an absent `database` means and one key of each dialect's own differ.
enum DatabaseConnectionFields {
    /// Which server's components the keys are declared for.
    enum Dialect {
        case postgres, mysql
    }

    /// `url`, `host`, `port`, `user`, `password`, `database`, `tls`, `pool`, the dialect's own
    /// key (`applicationName` for PostgreSQL, `connectTimeoutSeconds` for MySQL), then `retry`
    /// and `circuitBreaker` (see ``ConnectGuard``).
    static func fields(_ dialect: Dialect) -> [FieldShape] {
        let url: String
        let port: Int
        let database: String
        let own: FieldShape
        switch dialect {
        case .postgres:
            url = "`postgres://user[:password]@host[:port]/database` (or `postgresql://`); `?sslmode=` (disable, allow, prefer, "
                + "require, verify-ca, verify-full) sets the TLS mode. The keys below override the URL's parts."
            port = 5432
            database = "The database; default: the user's name."
            own = .optional(
                "applicationName", .text, default: "sluice", "The name the connections show in `pg_stat_activity.application_name`.")
        case .mysql:
            url = "`mysql://user[:password]@host[:port]/database` (or `mariadb://`); `?tls=`, `?caFile=` and `?connect_timeout=` "
                + "set those settings. The keys below override the URL's parts."
            port = 3306
            database = "The default database; required (here or in the URL) to read a `table` and for targets."
            own = .optional(
                "connectTimeoutSeconds", .number(0.001, 3600), default: 10,
                "Seconds connecting and logging in may take (or `?connect_timeout=` in the URL).")
        }
        return [
            .optional("url", .text(format: "url"), url),
            .optional("host", .nonEmptyText, "The server's host name or address; required here or in the URL."),
            .optional("port", .integer(1, 65_535), default: .int(port), "The server's TCP port."),
            .optional("user", .nonEmptyText, "The user to log in as; required here or in the URL."),
            .optional(
                "password", .text,
                "The password; write it as `${env:NAME}`, resolved from the server's environment when the job is planned and never stored."),
            .optional("database", .nonEmptyText, database),
            .optional("tls", .object(tls(dialect)), "TLS settings; without them, the URL's TLS parameter or `prefer`."),
            .optional(
                "pool", .object(pool),
                "The connection pool shared by every job naming the same server, user and credentials (the first job to use it sets its size)."),
            own,
            retry,
            circuitBreaker,
        ]
    }

    /// `retry`: the shared block, described for connecting to a database.
    private static let retry: FieldShape = {
        var field = NetworkRetryPolicy.field
        field.summary = "How this job retries opening a connection: connection refused or reset, connect and login timeouts, "
            + "the server starting up or shutting down, too many connections. Bad credentials, an unknown database or TLS refused "
            + "fail at once with the server's message; statements are never retried (they run in the job's transaction)."
        return field
    }()

    /// `circuitBreaker`: the shared block, keyed by the database server (`postgres host:port`, `mysql host:port`).
    private static let circuitBreaker: FieldShape = {
        var field = CircuitBreaker.Settings.field
        field.summary = "The database server's circuit breaker, shared by every job of the server process connecting to the same "
            + "host and port: after `failureThreshold` consecutive failed connection attempts, opening a connection fails at once "
            + "for `cooldownMs`, then one probe decides whether it closes. Listed in `GET /health` (`dependencies`)."
        return field
    }()

    /// Every connection needs a server: in the URL or as `host`.
    static let rules: [ObjectRule] = [.atLeastOne(["url", "host"])]

    /// What a database target adds to the connection keys (`table`, `mode`, `keys`,
    /// `createTable`, `commit`); `table` says how the table is named.
    static func targetFields(table: String) -> [FieldShape] {
        [
            .required("table", .nonEmptyText, table),
            .optional("mode", .choice(DatabaseWriteMode.self), default: "insert", "How rows already in the table are treated."),
            .optional("keys", .someFieldNames, "The columns identifying a row; required for `upsert` and `apply`."),
            .optional("createTable", .boolean, default: true, "Whether a missing table is created."),
            DatabaseCommitScope.field,
        ]
    }

    private static func tls(_ dialect: Dialect) -> [FieldShape] {
        let caFile =
            switch dialect {
            case .postgres: "PEM file of the certificate authorities trusted by `verify-full` (default: the system's)."
            case .mysql: "PEM file of the certificate authorities trusted by `verify-full` (default: the system's); only with `verify-full`."
            }
        return [
            .optional(
                "mode", .choice(["disable", "prefer", "require", "verify-full"]), default: "prefer",
                "`disable`: plain TCP; `prefer`: TLS when the server offers it; `require`: TLS, certificate not checked; "
                    + "`verify-full`: TLS with the certificate and host name checked."),
            .optional("caFile", .path, caFile),
        ]
    }

    private static let pool: [FieldShape] = [
        .optional("maxConnections", .integer(1, 1000), default: 4, "Most connections open at once to this server, over all jobs."),
        .optional("idleTimeoutSeconds", .number(0.001, 86_400), default: 60, "Seconds an unused connection stays open."),
    ]
}

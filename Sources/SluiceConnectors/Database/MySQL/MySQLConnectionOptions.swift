import Foundation
import SluiceCore
import SluiceMySQLWire

/// The connection settings every `mysql` source and target shares, as they appear in its
/// `config`: a `url` (`mysql://user:pass@host:port/db`, also `mariadb://`) and/or the fields
/// `host`, `port` (3306), `user`, `password`, `database`; fields given beside a `url`
/// override its parts. Plus `tls: {mode, caFile}` (mode `disable`, `prefer` — the default —,
/// `require` or `verify-full`; the URL may say `?tls=require`) and
/// `pool: {maxConnections (4), idleTimeoutSeconds (60)}`, and `connectTimeoutSeconds` (10; the
/// URL may say `?connect_timeout=30`): how long connecting and logging in may take. `retry` and
/// `circuitBreaker` guard opening connections (see ``ConnectGuard``).
public struct MySQLConnectionOptions: Decodable, Sendable, Equatable {
    /// `mysql://user:password@host:port/database[?tls=…&caFile=…]` (or `mariadb://`).
    public var url: String?
    /// The server's host name or address (overrides the url's).
    public var host: String?
    /// The server's port (default 3306).
    public var port: Int?
    /// The user to log in as.
    public var user: String?
    /// The password (already resolved from `${env:…}` by the planner).
    public var password: String?
    /// The default database; required for `table` reads and for targets.
    public var database: String?
    /// TLS settings.
    public var tls: TLS?
    /// Seconds connecting and logging in may take (default 10).
    public var connectTimeoutSeconds: Double?
    /// Connection pool settings (the first component to make the pool sets them).
    public var pool: Pool?
    /// How this job retries opening a connection (``NetworkRetryPolicy/standard`` when absent).
    public var retry: NetworkRetryPolicy.Config?
    /// The server's circuit breaker, shared with every job connecting to it.
    public var circuitBreaker: CircuitBreaker.Settings.Config?

    /// `tls` settings.
    public struct TLS: Decodable, Sendable, Equatable {
        /// `disable`, `prefer` (default), `require` or `verify-full`.
        public var mode: MySQLTLSConfiguration.Mode?
        /// PEM file of the certificate authorities to trust (verify-full).
        public var caFile: String?

        /// TLS settings; `nil` parts take their defaults.
        public init(mode: MySQLTLSConfiguration.Mode? = nil, caFile: String? = nil) {
            self.mode = mode
            self.caFile = caFile
        }
    }

    /// `pool` settings.
    public struct Pool: Decodable, Sendable, Equatable {
        /// At most this many connections are open at once (default 4).
        public var maxConnections: Int?
        /// A connection idle this long is closed (default 60).
        public var idleTimeoutSeconds: Double?

        /// Pool settings; `nil` parts take their defaults.
        public init(maxConnections: Int? = nil, idleTimeoutSeconds: Double? = nil) {
            self.maxConnections = maxConnections
            self.idleTimeoutSeconds = idleTimeoutSeconds
        }
    }

    /// Connection settings as a config would give them.
    public init(
        url: String? = nil, host: String? = nil, port: Int? = nil, user: String? = nil, password: String? = nil,
        database: String? = nil, tls: TLS? = nil, pool: Pool? = nil
    ) {
        self.url = url
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.pool = pool
    }

    /// Checks the settings and resolves them into an endpoint; errors carry paths relative
    /// to `config`.
    public func resolve() throws(SpecError) -> MySQLEndpoint {
        var host = self.host
        var port = self.port
        var user = self.user
        var password = self.password
        var database = self.database
        var tlsMode = tls?.mode
        var caFile = tls?.caFile
        var connectTimeout = connectTimeoutSeconds
        if let url {
            let parsed = try MySQLURL(parsing: url)
            host = host ?? parsed.host
            port = port ?? parsed.port
            user = user ?? parsed.user
            password = password ?? parsed.password
            database = database ?? parsed.database
            tlsMode = tlsMode ?? parsed.tlsMode
            caFile = caFile ?? parsed.caFile
            connectTimeout = connectTimeout ?? parsed.connectTimeoutSeconds
        }
        guard let host, !host.isEmpty else { throw SpecError(path: "host", "required: give a url (mysql://user:pass@host:port/db) or host") }
        let resolvedPort = port ?? 3306
        guard (1...65_535).contains(resolvedPort) else { throw SpecError(path: "port", "must be between 1 and 65535, found \(resolvedPort)") }
        guard let user, !user.isEmpty else { throw SpecError(path: "user", "required: the user to log in as (in the url or as user)") }
        if let database, database.isEmpty { throw SpecError(path: "database", "must not be empty") }
        let mode = tlsMode ?? .prefer
        if caFile != nil, mode != .verifyFull {
            throw SpecError(path: "tls.caFile", "only applies to tls.mode verify-full")
        }
        let maxConnections = pool?.maxConnections ?? 4
        guard maxConnections >= 1 else { throw SpecError(path: "pool.maxConnections", "must be at least 1") }
        let idle = pool?.idleTimeoutSeconds ?? 60
        guard idle > 0, idle.isFinite else { throw SpecError(path: "pool.idleTimeoutSeconds", "must be a positive number of seconds") }
        let timeout = connectTimeout ?? 10
        guard timeout > 0, timeout.isFinite else { throw SpecError(path: "connectTimeoutSeconds", "must be a positive number of seconds") }
        let configuration = MySQLConnectionConfiguration(
            host: host, port: resolvedPort, user: user, password: password ?? "", database: database,
            tls: MySQLTLSConfiguration(mode: mode, caFile: caFile), connectTimeout: .milliseconds(Int64((min(timeout, 3600) * 1000).rounded())))
        return MySQLEndpoint(
            configuration: configuration, maxConnections: maxConnections, idleTimeout: .milliseconds(Int64(min(idle, 86_400) * 1000)),
            retry: NetworkRetryPolicy(config: retry), breaker: CircuitBreaker.Settings(config: circuitBreaker))
    }

    /// Decodes the connection keys of a component's `config` (the component's own keys sit
    /// beside them and are ignored here).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        host = try container.decodeIfPresent(String.self, forKey: .host)
        port = try container.decodeIfPresent(Int.self, forKey: .port)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        password = try container.decodeIfPresent(String.self, forKey: .password)
        database = try container.decodeIfPresent(String.self, forKey: .database)
        tls = try container.decodeIfPresent(TLS.self, forKey: .tls)
        pool = try container.decodeIfPresent(Pool.self, forKey: .pool)
        connectTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .connectTimeoutSeconds)
        retry = try container.decodeIfPresent(NetworkRetryPolicy.Config.self, forKey: .retry)
        circuitBreaker = try container.decodeIfPresent(CircuitBreaker.Settings.Config.self, forKey: .circuitBreaker)
    }

    private enum CodingKeys: String, CodingKey {
        case url, host, port, user, password, database, tls, pool, connectTimeoutSeconds, retry, circuitBreaker
    }
}

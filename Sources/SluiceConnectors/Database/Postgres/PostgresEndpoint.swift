import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import SluiceCore
import Synchronization

/// A validated PostgreSQL connection target: where to connect, as whom, and how.
public struct PostgresEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tlsMode: PostgresTLSMode
    public var caFile: String?
    public var applicationName: String
    public var maxConnections: Int
    public var idleTimeout: Duration
    /// How a job using this endpoint retries opening a connection.
    public var retry: NetworkRetryPolicy
    /// The server's circuit breaker settings this job asks for.
    public var breaker: CircuitBreaker.Settings

    /// Validates `config`; errors carry paths relative to the component's `config`.
    public init(_ config: PostgresConnectionConfig) throws(SpecError) {
        var host: String?
        var port: Int?
        var user: String?
        var password: String?
        var database: String?
        var tlsMode: PostgresTLSMode?
        if let url = config.url {
            let parsed = try Self.parseURL(url)
            (host, port, user, password, database, tlsMode) = (parsed.host, parsed.port, parsed.user, parsed.password, parsed.database, parsed.tlsMode)
        }
        if let value = config.host { host = value }
        if let value = config.port { port = value }
        if let value = config.user { user = value }
        if let value = config.password { password = value }
        if let value = config.database { database = value }
        if let mode = config.tls?.mode { tlsMode = try PostgresTLSMode.parse(mode, at: "tls.mode") }
        guard let host, !host.isEmpty else {
            throw SpecError(path: config.url == nil ? "host" : "url", "required: the server's host name, e.g. \"url\": \"postgres://user@host:5432/db\"")
        }
        let resolvedPort = port ?? 5432
        guard (1...65_535).contains(resolvedPort) else { throw SpecError(path: "port", "must be between 1 and 65535, found \(resolvedPort)") }
        guard let user, !user.isEmpty else { throw SpecError(path: config.url == nil ? "user" : "url", "required: the user to connect as") }
        let maxConnections = config.pool?.maxConnections ?? 4
        guard maxConnections >= 1 else { throw SpecError(path: "pool.maxConnections", "must be at least 1, found \(maxConnections)") }
        let idleSeconds = config.pool?.idleTimeoutSeconds ?? 60
        guard idleSeconds > 0, idleSeconds.isFinite else { throw SpecError(path: "pool.idleTimeoutSeconds", "must be a positive number of seconds") }
        self.host = host
        self.port = resolvedPort
        self.user = user
        self.password = password
        self.database = database ?? user
        self.tlsMode = tlsMode ?? .prefer
        self.caFile = config.tls?.caFile
        self.applicationName = config.applicationName ?? "sluice"
        self.maxConnections = maxConnections
        self.idleTimeout = .milliseconds(Int64((min(idleSeconds, 86_400) * 1000).rounded()))
        self.retry = NetworkRetryPolicy(config: config.retry)
        self.breaker = CircuitBreaker.Settings(config: config.circuitBreaker)
    }

    /// `postgres://user@host:port/database`, without the password: safe for lineage and logs.
    public var location: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// The key of this endpoint's shared pool: the location plus a digest of the password and
    /// TLS settings, so different credentials never share connections.
    public var poolKey: String {
        let secret = "\(password ?? "")\u{0}\(tlsMode.rawValue)\u{0}\(caFile ?? "")\u{0}\(applicationName)"
        let digest = SHA256.hash(data: Array(secret.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return "\(location)#\(digest)"
    }

    /// The pool of connections to this endpoint shared through `resources`; its size and idle
    /// timeout are those of the first job that made it.
    public func pool(in resources: SharedResources) throws -> ConnectionPool<PostgresPooledConnection> {
        let endpoint = self
        return try resources.resource(poolKey) {
            ConnectionPool(maxConnections: maxConnections, idleTimeout: idleTimeout) {
                try await endpoint.connect()
            }
        }
    }

    /// The guard of this job's leases: its retry policy and the breaker of the server
    /// (`postgres host:port`) in `resources`' ``EndpointGuards``.
    public func connectGuard(in resources: SharedResources) -> ConnectGuard {
        ConnectGuard(
            endpoint: ConnectGuard.endpointKey("postgres", host: host, port: port), retry: retry, breaker: breaker,
            guards: EndpointGuards.shared(in: resources))
    }

    /// Opens a new connection (outside any pool). The socket is opened here and handed to
    /// PostgresNIO, which runs TLS and the login on it; the pooled connection keeps the
    /// channel for the source's COPY reads (see ``PostgresCopyOut``).
    ///
    /// Socket and login are one future chain on the channel's event loop: nothing between
    /// the TCP connect and the startup message waits for a thread of Swift's cooperative
    /// pool. The server gives a client `authentication_timeout` (60 s by default) from the
    /// TCP connect to the end of the login; a process whose cooperative threads are busy
    /// (blocking work, a loaded machine) could otherwise resume an `await` between the two
    /// after the server had already closed the socket, and the login failed with
    /// "connectionError: Already closed".
    ///
    /// Failures are thrown as ``DatabaseConnectFailure``, classified for retries (socket
    /// failures and a server not ready are transient, see `PostgresConnectFailure.swift`); a
    /// cancelled task gets `CancellationError`.
    ///
    /// With `replication`, the connection is logged in for logical replication
    /// (`replication=database`): it can run `START_REPLICATION` (see ``PostgresReplicationStream``)
    /// and the replication commands, and the user needs the `REPLICATION` attribute.
    public func connect(logger: Logger = Logger(label: "sluice.postgres"), replication: Bool = false) async throws -> PostgresPooledConnection {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try makeTLS()
        } catch {
            throw DatabaseConnectFailure(.local, subject: "cannot connect to \(location)", reason: "TLS setup failed: \(error)")
        }
        let loop = PostgresConnection.defaultEventLoopGroup.next()
        let id = Self.nextID()
        let cancellation = PostgresLoginCancellation()
        let endpoint = self
        let login = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port)
            .flatMap { channel -> EventLoopFuture<PostgresPooledConnection> in
                guard cancellation.connected(channel) else {
                    channel.close(promise: nil)
                    return loop.makeFailedFuture(CancellationError())
                }
                let configuration = endpoint.configuration(on: channel, tls: tls, replication: replication)
                return PostgresConnection.connect(on: loop, configuration: configuration, id: id, logger: logger)
                    .flatMapThrowing { connection in
                        guard cancellation.loggedIn() else {
                            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
                            throw CancellationError()
                        }
                        return PostgresPooledConnection(connection, channel: channel)
                    }
                    .flatMapError { error in
                        channel.close(promise: nil)
                        return loop.makeFailedFuture(error)
                    }
            }
        do {
            return try await withTaskCancellationHandler {
                try await login.get()
            } onCancel: {
                cancellation.cancel()
            }
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            throw DatabaseConnectFailure.postgres(error, subject: "cannot connect to \(location)")
        }
    }

    /// PostgresNIO's configuration for logging in on `channel`, an open socket to this endpoint.
    private func configuration(on channel: any Channel, tls: PostgresConnection.Configuration.TLS, replication: Bool) -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            establishedChannel: channel, tls: tls, username: user, password: password, database: database)
        configuration.options.additionalStartupParameters = [("application_name", applicationName), ("TimeZone", "UTC")]
        if replication { configuration.options.additionalStartupParameters.append(("replication", "database")) }
        // The name certificates are checked against (and sent for SNI), as for a connection PostgresNIO opens itself.
        if (try? SocketAddress(ipAddress: host, port: port)) == nil { configuration.options.tlsServerName = host }
        return configuration
    }

    private func makeTLS() throws -> PostgresConnection.Configuration.TLS {
        switch tlsMode {
        case .disable:
            return .disable
        case .prefer, .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            let context = try NIOSSLContext(configuration: tls)
            return tlsMode == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            if let caFile { tls.trustRoots = .file(caFile) }
            return .require(try NIOSSLContext(configuration: tls))
        }
    }

    private static let connectionIDs = ConnectionIDs()

    private static func nextID() -> Int { connectionIDs.next() }

    // MARK: - URL

    private struct ParsedURL {
        var host: String?, port: Int?, user: String?, password: String?, database: String?, tlsMode: PostgresTLSMode?
    }

    private static func parseURL(_ text: String) throws(SpecError) -> ParsedURL {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw SpecError(path: "url", "expected postgres://user@host:port/database, found '\(Secrets.redactURL(text))'")
        }
        var parsed = ParsedURL()
        parsed.host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        parsed.port = components.port
        parsed.user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }
        parsed.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.path.drop { $0 == "/" }
        parsed.database = path.isEmpty ? nil : String(path)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                parsed.tlsMode = try PostgresTLSMode.parse(item.value ?? "", at: "url")
            case "application_name":
                break
            default:
                throw SpecError(path: "url", "unsupported URL parameter '\(item.name)'; supported: sslmode")
            }
        }
        return parsed
    }
}

/// Connection ids for PostgresNIO's log metadata.
private final class ConnectionIDs: Sendable {
    private let counter = Mutex<Int>(0)
    func next() -> Int { counter.withLock { $0 += 1; return $0 } }
}

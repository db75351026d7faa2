import SluiceCore
import SluiceMySQLWire

/// A checked connection setting: how to connect, how big the pool is, and the secret-free
/// names used for pool sharing and lineage.
public struct MySQLEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// How to connect and log in.
    public var configuration: MySQLConnectionConfiguration
    public var maxConnections: Int
    /// How long an idle pooled connection is kept.
    public var idleTimeout: Duration
    /// How a job using this endpoint retries opening a connection.
    public var retry: NetworkRetryPolicy = .standard
    /// The server's circuit breaker settings this job asks for.
    public var breaker = CircuitBreaker.Settings()

    /// `mysql://user@host:port/db` — no password.
    public var location: String { configuration.description }

    /// The location: the password is never printed.
    public var description: String { location }

    /// The guard of this job's leases: its retry policy and the breaker of the server
    /// (`mysql host:port`) in `resources`' ``EndpointGuards``.
    public func connectGuard(in resources: SharedResources) -> ConnectGuard {
        ConnectGuard(
            endpoint: ConnectGuard.endpointKey("mysql", host: configuration.host, port: configuration.port), retry: retry,
            breaker: breaker, guards: EndpointGuards.shared(in: resources))
    }

    /// The key of the shared pool: the location, the TLS mode and a hash of the password,
    /// so connections with other credentials or TLS settings are never shared.
    public var poolKey: String {
        let digest = MySQLKeyDigest.hex("sluice-mysql-pool\u{0}\(configuration.password)").prefix(16)
        let tls = configuration.tls
        return "\(location)?tls=\(tls.mode.rawValue)\(tls.caFile.map { "&caFile=\($0)" } ?? "")#\(digest)"
    }
}

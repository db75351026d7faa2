import SluiceMySQLWire

/// A checked connection setting: how to connect, how big the pool is, and the secret-free
/// names used for pool sharing and lineage.
public struct MySQLEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// How to connect and log in.
    public var configuration: MySQLConnectionConfiguration
    public var maxConnections: Int
    /// How long an idle pooled connection is kept.
    public var idleTimeout: Duration

    /// `mysql://user@host:port/db` — no password.
    public var location: String { configuration.description }

    /// The location: the password is never printed.
    public var description: String { location }

    /// The key of the shared pool: the location, the TLS mode and a hash of the password,
    /// so connections with other credentials or TLS settings are never shared.
    public var poolKey: String {
        let digest = MySQLKeyDigest.hex("sluice-mysql-pool\u{0}\(configuration.password)").prefix(16)
        let tls = configuration.tls
        return "\(location)?tls=\(tls.mode.rawValue)\(tls.caFile.map { "&caFile=\($0)" } ?? "")#\(digest)"
    }
}

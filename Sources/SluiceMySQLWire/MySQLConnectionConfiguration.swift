/// How a ``MySQLConnection`` reaches and logs in to its server.
public struct MySQLConnectionConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The password (empty for none).
    public var password: String
    /// The default database (`USE db`), if any.
    public var database: String?
    /// Whether and how to encrypt.
    public var tls: MySQLTLSConfiguration
    /// How long connecting (TCP, TLS and login) may take.
    public var connectTimeout: Duration

    /// A configuration; TLS defaults to `prefer`, the time limit to 10 seconds.
    public init(
        host: String, port: Int = 3306, user: String, password: String = "", database: String? = nil,
        tls: MySQLTLSConfiguration = .init(mode: .prefer), connectTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
    }

    /// `mysql://user@host:port/db`: the password is never printed.
    public var description: String { "mysql://\(user)@\(address)/\(database ?? "")" }

    /// `host:port`, for messages.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Whether and how the connection is encrypted.
public struct MySQLTLSConfiguration: Sendable, Equatable {
    /// How much TLS the connection insists on.
    public enum Mode: String, Sendable, CaseIterable, Decodable {
        /// Never use TLS.
        case disable
        /// Use TLS when the server offers it, without verifying its certificate.
        case prefer
        /// Use TLS or fail; the certificate is not verified.
        case require
        /// Use TLS or fail, verifying the certificate chain (against `caFile`, or the system's
        /// roots) and that it names the host.
        case verifyFull = "verify-full"
    }

    /// How much TLS is required.
    public var mode: Mode
    /// A PEM file of the certificate authorities to trust (verify-full).
    public var caFile: String?

    /// TLS settings.
    public init(mode: Mode, caFile: String? = nil) {
        self.mode = mode
        self.caFile = caFile
    }
}

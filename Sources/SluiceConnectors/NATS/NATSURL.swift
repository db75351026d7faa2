import Foundation
import SluiceCore
import SluiceNATSWire

/// The parts of a `nats://[user[:password]@]host[:port]` URL (`nats://token@host` signs in with
/// a token). User, password and token may be percent-encoded; write secrets as `${env:NAME}`.
struct NATSURL: Equatable {
    var host: String
    var port: Int
    var user: String?
    var password: String?
    var token: String?

    init(parsing text: String) throws(SpecError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SpecError(path: "url", "is not a valid URL; expected nats://user:password@host:port")
        }
        if scheme == "tls" || scheme == "nats+tls" || scheme == "wss" {
            throw SpecError(path: "url", "\(scheme):// (TLS) is not supported yet; use nats:// on a trusted network or a TLS tunnel")
        }
        guard scheme == "nats" else { throw SpecError(path: "url", "must start with nats://") }
        guard let host = components.host, !host.isEmpty else { throw SpecError(path: "url", "has no host") }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? 4222
        guard (1...65_535).contains(port) else { throw SpecError(path: "url", "port \(port) is out of range") }
        let user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        if let user, password == nil {
            // nats://token@host: a user without a password is the server's token.
            token = user
            self.user = nil
            self.password = nil
        } else {
            token = nil
            self.user = user
            self.password = password
        }
        guard components.path.isEmpty || components.path == "/" else { throw SpecError(path: "url", "takes no path") }
        if components.query != nil { throw SpecError(path: "url", "takes no parameters") }
    }

    /// The connection settings, with the connector's timeouts.
    func configuration(connectTimeout: Duration, requestTimeout: Duration) -> NATSConnectionConfiguration {
        NATSConnectionConfiguration(
            host: host, port: port, user: user, password: password, token: token, connectTimeout: connectTimeout, requestTimeout: requestTimeout)
    }

    /// `nats://host:port`, without credentials, for messages and lineage.
    var shown: String { "nats://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

import Foundation
import SluiceCore
import SluiceRedisWire

/// The parts of a `redis://[user[:password]@]host[:port][/database]` URL. User and password may
/// be percent-encoded; write the password as `${env:NAME}`.
struct RedisURL: Equatable {
    var host: String
    var port: Int
    var user: String?
    var password: String?
    var database: Int

    init(parsing text: String) throws(SpecError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw SpecError(path: "url", "is not a valid URL; expected redis://user:password@host:port/database")
        }
        if scheme == "rediss" {
            throw SpecError(path: "url", "rediss:// (TLS) is not supported yet; use redis:// on a trusted network or a TLS tunnel")
        }
        guard scheme == "redis" else { throw SpecError(path: "url", "must start with redis://") }
        guard let host = components.host, !host.isEmpty else { throw SpecError(path: "url", "has no host") }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? 6379
        guard (1...65_535).contains(port) else { throw SpecError(path: "url", "port \(port) is out of range") }
        user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }.flatMap { $0.isEmpty ? nil : $0 }
        password = components.password.flatMap { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if path.isEmpty {
            database = 0
        } else if let number = Int(path), (0...1_000_000).contains(number) {
            database = number
        } else {
            throw SpecError(path: "url", "the path must be a database number, found '\(path)'")
        }
        if !(components.queryItems ?? []).isEmpty { throw SpecError(path: "url", "takes no parameters") }
    }

    /// The connection settings, with the connector's timeouts.
    func configuration(connectTimeout: Duration, commandTimeout: Duration) -> RedisConnectionConfiguration {
        RedisConnectionConfiguration(
            host: host, port: port, username: user, password: password, database: database, connectTimeout: connectTimeout,
            commandTimeout: commandTimeout)
    }

    /// `redis://host:port/database`, without credentials, for messages and lineage.
    var shown: String { "redis://\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }
}

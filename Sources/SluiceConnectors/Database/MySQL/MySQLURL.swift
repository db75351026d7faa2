import Foundation
import SluiceCore
import SluiceMySQLWire

/// The parts of a `mysql://` or `mariadb://` URL:
/// `mysql://user:password@host:port/database?tls=require&caFile=/path/ca.pem&connect_timeout=30`. User and
/// password may be percent-encoded.
struct MySQLURL: Equatable {
    var host: String?
    var port: Int?
    var user: String?
    var password: String?
    var database: String?
    var tlsMode: MySQLTLSConfiguration.Mode?
    var caFile: String?
    var connectTimeoutSeconds: Double?

    init(parsing text: String) throws(SpecError) {
        guard let components = URLComponents(string: text) else {
            throw SpecError(path: "url", "is not a valid URL; expected mysql://user:password@host:port/database")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "mysql" || scheme == "mariadb" else {
            throw SpecError(path: "url", "must start with mysql:// or mariadb://")
        }
        host = components.host.map { $0.hasPrefix("[") && $0.hasSuffix("]") ? String($0.dropFirst().dropLast()) : $0 }
        port = components.port
        user = components.user
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        if let database, database.contains("/") {
            throw SpecError(path: "url", "the path must be just the database name, found '\(database)'")
        }
        for item in components.queryItems ?? [] {
            switch item.name {
            case "tls", "ssl-mode", "sslmode":
                let raw = (item.value ?? "").lowercased()
                let mode: MySQLTLSConfiguration.Mode?
                switch raw {
                case "disable", "disabled", "false": mode = .disable
                case "prefer", "preferred": mode = .prefer
                case "require", "required", "true": mode = .require
                case "verify-full", "verify_identity", "verify-identity": mode = .verifyFull
                default: mode = nil
                }
                guard let mode else {
                    throw SpecError(path: "url", "unknown tls mode '\(item.value ?? "")'; expected disable, prefer, require or verify-full")
                }
                tlsMode = mode
            case "caFile", "ssl-ca", "sslrootcert":
                caFile = item.value
            case "connect_timeout", "connectTimeout":
                guard let seconds = item.value.flatMap(Double.init), seconds > 0, seconds.isFinite else {
                    throw SpecError(path: "url", "connect_timeout must be a positive number of seconds, found '\(item.value ?? "")'")
                }
                connectTimeoutSeconds = seconds
            default:
                throw SpecError(path: "url", "unknown URL parameter '\(item.name)'; supported: tls, caFile, connect_timeout")
            }
        }
    }
}

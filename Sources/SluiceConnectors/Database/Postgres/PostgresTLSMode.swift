import SluiceCore

/// How a PostgreSQL connection uses TLS, named as libpq's `sslmode` values.
public enum PostgresTLSMode: String, Sendable, CaseIterable {
    /// Plain TCP.
    case disable
    /// TLS when the server offers it, plain otherwise.
    case prefer
    /// TLS or no connection; the certificate is not checked (libpq's `require`).
    case require
    /// TLS with the certificate checked against the trusted authorities and the host name.
    case verifyFull = "verify-full"

    /// Parses a mode name, accepting libpq's `allow` (as prefer) and `verify-ca` (as verify-full).
    static func parse(_ text: String, at path: String) throws(SpecError) -> PostgresTLSMode {
        switch text {
        case "allow": return .prefer
        case "verify-ca": return .verifyFull
        default:
            guard let mode = PostgresTLSMode(rawValue: text) else {
                throw SpecError(path: path, "unknown TLS mode '\(text)'; expected one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return mode
        }
    }
}

/// Secret handling: `${env:NAME}` references in configs, and redaction of secret-looking
/// fields wherever a spec or header is shown.
public enum Secrets {
    /// The placeholder that replaces a secret in responses and logs.
    public static let mask = "***"

    /// Whether a field or header called `name` holds a secret (authorization, token,
    /// password, secret, api key, credentials, private key).
    public static func isSecretName(_ name: String) -> Bool {
        let normalized = String(name.lowercased().filter { $0.isLetter || $0.isNumber })
        let markers = ["authorization", "token", "password", "passwd", "secret", "apikey", "credential", "privatekey", "cookie"]
        return markers.contains { normalized.contains($0) }
    }

    /// `value` with every string under a secret-looking key replaced by ``mask``.
    public static func redact(_ value: Value) -> Value {
        switch value {
        case .object(let object):
            var out = ValueObject()
            for (key, item) in object.pairs {
                if isSecretName(key), !item.isNull, !isReferenceOnly(item) {
                    out.appendUnchecked(key: key, value: .string(mask))
                } else {
                    out.appendUnchecked(key: key, value: redact(item))
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(redact))
        default:
            return value
        }
    }

    /// `url` with the password of its `scheme://user:password@host` part replaced by ``mask``.
    public static func redactURL(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return url }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":" + mask + String(rest[at...])
    }

    /// An `${env:NAME}` reference says where the secret is, not what it is: it is safe to show.
    static func isReferenceOnly(_ value: Value) -> Bool {
        guard case .string(let s) = value else { return false }
        return s.hasPrefix("${env:") && s.hasSuffix("}") && !s.dropFirst(6).contains("$")
    }

    /// `value` with every `${env:NAME}` inside its strings replaced from `environment`.
    public static func resolve(_ value: Value, environment: [String: String], path: String = "") throws(SpecError) -> Value {
        switch value {
        case .string(let s):
            guard s.contains("${env:") else { return value }
            return .string(try resolve(s, environment: environment, path: path))
        case .array(let items):
            var out: [Value] = []
            for (i, item) in items.enumerated() {
                out.append(try resolve(item, environment: environment, path: SpecPath.join(path, "[\(i)]")))
            }
            return .array(out)
        case .object(let object):
            var out = ValueObject()
            for (key, item) in object.pairs {
                out.appendUnchecked(key: key, value: try resolve(item, environment: environment, path: SpecPath.join(path, key)))
            }
            return .object(out)
        default:
            return value
        }
    }

    static func resolve(_ text: String, environment: [String: String], path: String) throws(SpecError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${env:") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw SpecError(path: path, "unterminated ${env:…} reference")
            }
            let name = String(rest[start.upperBound..<end])
            guard let resolved = environment[name] else {
                throw SpecError(path: path, "environment variable '\(name)' referenced by ${env:\(name)} is not set")
            }
            result += resolved
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

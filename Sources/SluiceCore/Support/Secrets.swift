/// Secret handling: redaction of secret-looking fields and of credentials in URLs wherever a
/// spec, an error or a log line is shown or stored, and `${env:NAME}` references (see
/// `Secrets+References.swift`).
public enum Secrets {
    /// The placeholder that replaces a secret in responses and logs.
    public static let mask = "***"

    /// Whether a field or header called `name` holds a secret (authorization, token,
    /// password, secret, api key, account key, credentials, private key).
    public static func isSecretName(_ name: String) -> Bool {
        let normalized = String(name.lowercased().filter { $0.isLetter || $0.isNumber })
        let markers = ["authorization", "token", "password", "passwd", "secret", "apikey", "accountkey", "credential", "privatekey", "cookie"]
        return markers.contains { normalized.contains($0) }
    }

    /// `value` as it may be shown or stored: every value under a secret-looking key replaced by
    /// ``mask`` (unless it is only `${env:NAME}` references, see ``isReferenceOnly(_:)``), and
    /// every URL inside a string with its credentials hidden (``redactURL(_:)``).
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
        case .string(let text):
            return .string(CredentialRedaction.redactText(text, bareParameters: false))
        default:
            return value
        }
    }

    /// `spec` as it may be shown or stored: its name and every component config redacted
    /// (``redact(_:)``). `${env:NAME}` references stay, so a stored spec made of them still runs.
    public static func redact(_ spec: JobSpec) -> JobSpec {
        var stored = spec
        stored.name = redactText(spec.name)
        stored.source.config = redact(spec.source.config)
        stored.transforms = spec.transforms.map { transform in
            var redacted = transform
            redacted.config = redact(transform.config)
            return redacted
        }
        stored.target.config = redact(spec.target.config)
        return stored
    }

    /// The paths (`source.config.password`, `transforms[0].config.with.config.url`) of the
    /// literal secrets in `spec`: the values ``redact(_:)-(JobSpec)`` would change.
    public static func literalSecretPaths(in spec: JobSpec) -> [String] {
        var paths: [String] = []
        if redactText(spec.name) != spec.name { paths.append("name") }
        differences(spec.source.config, redact(spec.source.config), at: "source.config", into: &paths)
        for (index, transform) in spec.transforms.enumerated() {
            differences(transform.config, redact(transform.config), at: "transforms[\(index)].config", into: &paths)
        }
        differences(spec.target.config, redact(spec.target.config), at: "target.config", into: &paths)
        return paths
    }

    /// `url` with the password of its `scheme://user:password@host` part and the values of
    /// its secret-looking query and fragment parameters (``isSecretName(_:)``: `api_key`,
    /// `access_token`, …) replaced by ``mask``: `postgres://etl:***@db/shop`,
    /// `https://api.example.com/x?api_key=***&page=2`. `${env:NAME}` references are kept.
    public static func redactURL(_ url: String) -> String {
        CredentialRedaction.redactURL(Substring(url))
    }

    /// `message` (an error, a log line) with the credentials of every URL in it hidden as
    /// ``redactURL(_:)`` does, and the values of secret-looking `name=value` pairs outside
    /// URLs (`password=hunter2`) too.
    public static func redactText(_ message: String) -> String {
        CredentialRedaction.redactText(message, bareParameters: true)
    }

    private static func differences(_ original: Value, _ redacted: Value, at path: String, into paths: inout [String]) {
        guard original != redacted else { return }
        switch (original, redacted) {
        case (.object(let a), .object(let b)):
            for (key, item) in a.pairs {
                differences(item, b[key] ?? .null, at: SpecPath.join(path, key), into: &paths)
            }
        case (.array(let a), .array(let b)) where a.count == b.count:
            for (index, pair) in zip(a, b).enumerated() {
                differences(pair.0, pair.1, at: SpecPath.join(path, "[\(index)]"), into: &paths)
            }
        default:
            paths.append(path)
        }
    }
}

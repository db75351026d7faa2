/// `${env:NAME}` references: resolving them when a job is planned, and recognising a value
/// made only of them, which is safe to show and store.
extension Secrets {
    /// Authorization schemes that may stand before a reference (`Bearer ${env:TOKEN}`).
    static let authorizationSchemes: Set<String> = ["bearer", "basic", "token", "digest", "apikey"]

    /// Whether `value` is a string of ``isReferenceOnly(_:)-(String)`` form.
    static func isReferenceOnly(_ value: Value) -> Bool {
        guard case .string(let text) = value else { return false }
        return isReferenceOnly(text)
    }

    /// Whether `text` says where secrets are, not what they are: it holds `${env:NAME}`
    /// references and, besides them, at most an authorization scheme in front
    /// (`Bearer ${env:TOKEN}`) and separators (`${env:USER}:${env:PASSWORD}`).
    public static func isReferenceOnly(_ text: String) -> Bool {
        var literal = ""
        var rest = Substring(text)
        var found = false
        while let start = rest.firstRange(of: "${env:") {
            literal += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}"), !rest[start.upperBound..<end].contains("$") else { return false }
            found = true
            rest = rest[rest.index(after: end)...]
        }
        literal += rest
        guard found else { return false }
        let isSeparator: (Character) -> Bool = { $0.isWhitespace || ":;,./-_@".contains($0) }
        var remainder = Substring(literal)
        if let wordEnd = remainder.firstIndex(where: isSeparator), remainder[wordEnd].isWhitespace,
            authorizationSchemes.contains(remainder[..<wordEnd].lowercased())
        {
            remainder = remainder[wordEnd...]
        }
        return remainder.allSatisfy(isSeparator)
    }

    /// `value` with every `${env:NAME}` inside its strings replaced from `environment`; each
    /// value used is added to `resolved`, so messages can be scrubbed of it.
    ///
    /// Throws at the string's `path` for a reference that is unterminated, not allowed by the
    /// environment's ``SecretAllowList``, or to a variable that is not set.
    public static func resolve(
        _ value: Value, from environment: SecretEnvironment, path: String = "", into resolved: inout SecretValues
    ) throws(SpecError) -> Value {
        switch value {
        case .string(let s):
            guard s.contains("${env:") else { return value }
            return .string(try resolve(s, from: environment, path: path, into: &resolved))
        case .array(let items):
            var out: [Value] = []
            for (i, item) in items.enumerated() {
                out.append(try resolve(item, from: environment, path: SpecPath.join(path, "[\(i)]"), into: &resolved))
            }
            return .array(out)
        case .object(let object):
            var out = ValueObject()
            for (key, item) in object.pairs {
                out.appendUnchecked(key: key, value: try resolve(item, from: environment, path: SpecPath.join(path, key), into: &resolved))
            }
            return .object(out)
        default:
            return value
        }
    }

    /// `value` with every `${env:NAME}` replaced from `environment`, every variable of which
    /// may be read (the caller chose them; the planner goes through a ``SecretAllowList``).
    public static func resolve(_ value: Value, environment: [String: String], path: String = "") throws(SpecError) -> Value {
        var resolved = SecretValues()
        return try resolve(value, from: SecretEnvironment(trusting: environment), path: path, into: &resolved)
    }

    static func resolve(
        _ text: String, from environment: SecretEnvironment, path: String, into resolved: inout SecretValues
    ) throws(SpecError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${env:") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw SpecError(path: path, "unterminated ${env:…} reference")
            }
            let value: String
            do {
                value = try environment.value(of: String(rest[start.upperBound..<end]))
            } catch {
                throw error.prefixed(path)
            }
            resolved.insert(value)
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

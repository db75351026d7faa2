/// An invalid job spec or component configuration, with the exact place it was found.
///
/// The path uses the spec's own spelling (`transforms[1].config.aggregations.amount`), so a
/// user can find the spot in their JSON; the server renders it as `{"error": {"message", "path"}}`.
public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is, as a dotted path with `[index]` for array elements; empty for the whole spec.
    public var path: String
    /// What is wrong and what was expected.
    public var reason: String

    /// An error at `path` (relative to whatever the caller is decoding).
    public init(path: String = "", _ reason: String) {
        self.path = path
        self.reason = reason
    }

    /// The same error, with `prefix` put in front of its path (`"transforms[1].config"`).
    public func prefixed(_ prefix: String) -> SpecError {
        SpecError(path: SpecPath.join(prefix, path), reason)
    }

    /// `path: reason`, or just the reason when the path is empty.
    public var message: String { path.isEmpty ? reason : "\(path): \(reason)" }

    public var description: String { message }
}

/// A list of spec errors, reported together (`sluice validate` prints them all).
public struct SpecErrors: Error, Sendable, CustomStringConvertible {
    /// The errors, in document order; never empty.
    public var errors: [SpecError]

    public init(_ errors: [SpecError]) { self.errors = errors }

    public var description: String { errors.map(\.message).joined(separator: "\n") }
}

/// Builds the dotted paths used in ``SpecError``.
public enum SpecPath {
    /// Joins two path fragments: `join("a", "b")` is `a.b`, `join("a", "[2]")` is `a[2]`.
    public static func join(_ prefix: String, _ suffix: String) -> String {
        if prefix.isEmpty { return suffix }
        if suffix.isEmpty { return prefix }
        if suffix.hasPrefix("[") { return prefix + suffix }
        return prefix + "." + suffix
    }

    /// The path spelled by a `Codable` coding path (`fields`, index 2, `type` → `fields[2].type`).
    public static func from(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path = join(path, key.stringValue)
            }
        }
        return path
    }
}

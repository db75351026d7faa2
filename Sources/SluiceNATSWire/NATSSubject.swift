/// The rules of NATS subjects (`orders.new`, `orders.*`, `orders.>`), checked before anything is
/// sent: a subject with a space or a line break would be read by the server as another
/// operation.
public enum NATSSubject {
    /// The longest subject this client sends or accepts in a configuration.
    public static let maxBytes = 1024

    /// Throws ``NATSError/invalid(_:)`` naming what is wrong with `subject`: empty, too long,
    /// whitespace or control characters, an empty token (`a..b`, `.a`, `a.`), or (unless
    /// `wildcards`) a `*` or `>` token; with `wildcards`, `>` may only be the last token.
    public static func validate(_ subject: String, wildcards: Bool) throws(NATSError) {
        guard !subject.isEmpty, subject.utf8.count <= maxBytes else {
            throw .invalid("a subject must be 1 to \(maxBytes) bytes long")
        }
        guard !subject.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .invalid("the subject '\(shown(subject))' contains whitespace or a control character")
        }
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        guard !tokens.contains(where: \.isEmpty) else { throw .invalid("the subject '\(shown(subject))' has an empty token") }
        for (index, token) in tokens.enumerated() where token == "*" || token == ">" {
            guard wildcards else { throw .invalid("the subject '\(shown(subject))' has a wildcard, which cannot be published to") }
            if token == ">", index != tokens.count - 1 { throw .invalid("in the subject '\(shown(subject))', '>' must be the last token") }
        }
    }

    /// Whether `subject` is a valid token sequence without wildcards (see ``validate(_:wildcards:)``).
    public static func isPublishable(_ subject: String) -> Bool {
        (try? validate(subject, wildcards: false)) != nil
    }

    /// `text` for a message: at most 80 characters, control characters as `?`.
    static func shown(_ text: String) -> String {
        let cut = text.unicodeScalars.prefix(80).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }
        return String(cut) + (text.unicodeScalars.count > 80 ? "…" : "")
    }
}

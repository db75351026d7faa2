/// The meaning a source gives a column from its declared type, beyond how the value is stored.
///
/// The declared type is upper-cased, trimmed, and cut at the first `(` or space
/// (`VARCHAR(20)` → `VARCHAR`, `BOOLEAN NOT NULL` is never seen: only the type name is).
/// `BOOLEAN`/`BOOL` → ``boolean``; `DATE`/`DATETIME`/`TIMESTAMP`/`TIMESTAMPTZ` →
/// ``timestamp``; `JSON`/`JSONB` → ``json``; anything else ``plain``.
public enum DeclaredColumnType: Sendable, Equatable {
    /// No special meaning: the stored value decides.
    case plain
    /// Integers 0 and 1 are false and true.
    case boolean
    /// ISO 8601 text is a timestamp.
    case timestamp
    /// Text holding JSON is the parsed value.
    case json

    /// The meaning of a declared type name.
    public init(declared: String) {
        let upper = declared.uppercased()
        let name = upper.split(whereSeparator: { $0 == "(" || $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
        switch name {
        case "BOOLEAN", "BOOL": self = .boolean
        case "DATE", "DATETIME", "TIMESTAMP", "TIMESTAMPTZ": self = .timestamp
        case "JSON", "JSONB": self = .json
        default: self = .plain
        }
    }
}

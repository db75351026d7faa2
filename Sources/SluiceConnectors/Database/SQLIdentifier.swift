import SluiceCore

/// Quotes table and column names for SQL text.
///
/// Names are always quoted, so reserved words, spaces, quotes and any Unicode are safe: the
/// quote character inside a name is doubled (`my"table` → `"my""table"`), which is the SQL
/// standard's escape (SQLite and PostgreSQL use `"`, MySQL uses a backtick). User values
/// never go through here: they are bound parameters.
public enum SQLIdentifier {
    /// `name` quoted with `quote`, inner quotes doubled.
    public static func quoted(_ name: String, quote: Character = "\"") -> String {
        var out = String(quote)
        for character in name {
            if character == quote { out.append(quote) }
            out.append(character)
        }
        out.append(quote)
        return out
    }

    /// `names` quoted and joined with `, `.
    public static func list(_ names: [String], quote: Character = "\"") -> String {
        names.map { quoted($0, quote: quote) }.joined(separator: ", ")
    }

    /// Checks a configured name: not empty and without NUL characters (which no database
    /// accepts in a name and which would cut the SQL text short).
    public static func validate(_ name: String, at path: String) throws(SpecError) {
        if name.isEmpty { throw SpecError(path: path, "must not be empty") }
        if name.unicodeScalars.contains("\u{0}") { throw SpecError(path: path, "must not contain NUL characters") }
    }

    /// Checks a configured list of names: each valid, none twice.
    public static func validate(_ names: [String], at path: String) throws(SpecError) {
        var seen = Set<String>()
        for (index, name) in names.enumerated() {
            try validate(name, at: "\(path)[\(index)]")
            if !seen.insert(name).inserted { throw SpecError(path: "\(path)[\(index)]", "'\(name)' is listed twice") }
        }
    }
}

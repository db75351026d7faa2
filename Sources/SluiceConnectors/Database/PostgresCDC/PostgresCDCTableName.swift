import SluiceCore

/// A table named in a `postgres_cdc` config: `schema.table`, or `table` (schema `public`).
///
/// Names are taken exactly as written (case-sensitive, quoted in SQL), so `Orders` names the
/// table created as `"Orders"`; a name containing a dot cannot be given.
struct PostgresCDCTableName: Sendable, Hashable, CustomStringConvertible {
    var schema: String
    var table: String

    init(schema: String, table: String) {
        self.schema = schema
        self.table = table
    }

    /// Parses a configured name; errors are at `path`.
    init(parsing text: String, at path: String) throws(SpecError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw SpecError(path: path, "expected 'table' or 'schema.table', found '\(text)'")
        }
        for part in parts { try SQLIdentifier.validate(part, at: path) }
        if parts.count == 2 {
            (schema, table) = (parts[0], parts[1])
        } else {
            (schema, table) = ("public", parts[0])
        }
    }

    /// `"schema"."table"`, quoted for SQL text.
    var quoted: String { SQLIdentifier.quoted(schema) + "." + SQLIdentifier.quoted(table) }

    var description: String { "\(schema).\(table)" }
}

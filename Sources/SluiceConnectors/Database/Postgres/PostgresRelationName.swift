import SluiceCore

/// A configured table name, `table` or `schema.table`, split at the first dot.
///
/// Both parts are always quoted in SQL (see ``SQLIdentifier``), so they are matched exactly
/// as written, case included: `Sales.Orders` is the table `Orders` of the schema `Sales`.
/// Without a schema, PostgreSQL's `search_path` decides (normally `public`).
struct PostgresRelationName: Sendable, Equatable {
    /// The schema, when one was given.
    var schema: String?
    /// The table.
    var table: String

    /// Splits `name` (already checked by ``SQLIdentifier/validate(_:at:)``).
    init(_ name: String) {
        if let dot = name.firstIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
            schema = String(name[..<dot])
            table = String(name[name.index(after: dot)...])
        } else {
            schema = nil
            table = name
        }
    }

    /// A name from its parts.
    init(schema: String?, table: String) {
        self.schema = schema
        self.table = table
    }

    /// `"schema"."table"` or `"table"`, for SQL text.
    var quoted: String {
        guard let schema else { return SQLIdentifier.quoted(table) }
        return SQLIdentifier.quoted(schema) + "." + SQLIdentifier.quoted(table)
    }

    /// The name as PostgresNIO's `copyFrom(table:)` wants it: that method wraps its argument
    /// in one pair of double quotes without escaping, so the inner quotes are given here.
    var copyName: String { String(quoted.dropFirst().dropLast()) }

    /// The name as written in the configuration, for messages.
    var display: String { schema.map { "\($0).\(table)" } ?? table }
}

extension SQLIdentifier {
    /// `name` as PostgresNIO's `copyFrom(columns:)` wants it (inner quotes doubled, the outer
    /// pair added by PostgresNIO).
    static func copyName(_ name: String) -> String { String(quoted(name).dropFirst().dropLast()) }
}

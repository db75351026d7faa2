import SluiceCore

/// What a database source reads, checked once: a table (optionally some columns and a
/// `where` condition) or the result of a query, the values for their placeholders, and in an
/// incremental run the lower bound to push down into the SQL.
struct TableSelection: Sendable {
    /// A table or a query.
    enum Subject: Sendable {
        case table(String, columns: [String]?, condition: String?)
        case query(String)
    }

    /// What is read.
    let subject: Subject
    /// The values for the placeholders of the condition or query, in order.
    let parameters: [Value]
    /// An incremental run's lower bound: only rows whose `field` is at least `bound` are read.
    private(set) var lowerBound: (field: String, bound: IncrementalBound)?

    /// The name under which ``bounded(_:by:)`` wraps a statement; conditions on the bound
    /// may qualify columns with it.
    static let boundAlias = "sluice_incremental"

    /// Checks the choice of `config`; errors carry paths relative to `config`.
    init(_ config: TableSelectionConfig) throws(SpecError) {
        switch (config.table, config.query) {
        case (.some, .some):
            throw SpecError(path: "query", "give either table or query, not both")
        case (nil, nil):
            throw SpecError(path: "table", "required: give the table to read, or a query")
        case (.some(let table), nil):
            try SQLIdentifier.validate(table, at: "table")
            if let columns = config.columns {
                if columns.isEmpty { throw SpecError(path: "columns", "must name at least one column") }
                try SQLIdentifier.validate(columns, at: "columns")
            }
            if let condition = config.where, condition.allSatisfy(\.isWhitespace) {
                throw SpecError(path: "where", "must not be empty")
            }
            subject = .table(table, columns: config.columns, condition: config.where)
        case (nil, .some(let query)):
            if config.columns != nil { throw SpecError(path: "columns", "only applies to table; select the columns in the query") }
            if config.where != nil { throw SpecError(path: "where", "only applies to table; put the condition in the query") }
            if query.allSatisfy(\.isWhitespace) { throw SpecError(path: "query", "must not be empty") }
            subject = .query(query)
        }
        parameters = config.parameters ?? []
    }

    /// The table read; `nil` for a query.
    var table: String? {
        guard case .table(let name, _, _) = subject else { return nil }
        return name
    }

    /// `base#table` for a table, `base` for a query: a source's location.
    func location(_ base: String) -> String {
        table.map { "\(base)#\($0)" } ?? base
    }

    /// The same selection reading only rows whose `field` is at least `value`; unchanged
    /// when `value` must not be pushed down (see ``IncrementalBound``).
    func reading(from value: Value, of field: String) -> TableSelection {
        guard let bound = IncrementalBound(value) else { return self }
        var copy = self
        copy.lowerBound = (field, bound)
        return copy
    }

    /// The statement that reads the selection: for a table `SELECT columns FROM table`
    /// (`*` when no columns are named; names quoted with `quote`, the table as `name` writes
    /// it) with ` WHERE` and the condition as `condition` gives it; for a query, the query as
    /// `query` gives it.
    func statement(
        quote: Character = "\"", name: (String) -> String, condition: (String) throws -> String,
        query: (String) throws -> String
    ) rethrows -> String {
        switch subject {
        case .table(let table, let columns, let filter):
            var sql = "SELECT \(columns.map { SQLIdentifier.list($0, quote: quote) } ?? "*") FROM \(name(table))"
            if let filter { sql += " WHERE \(try condition(filter))" }
            return sql
        case .query(let text):
            return try query(text)
        }
    }

    /// `sql` wrapped so that only the rows meeting `condition` are read, its columns named
    /// as ``boundAlias``'s. The line break keeps a trailing `--` comment from swallowing the
    /// parenthesis.
    static func bounded(_ sql: String, by condition: String) -> String {
        "SELECT * FROM (\(sql)\n) AS \(boundAlias) WHERE \(condition)"
    }
}

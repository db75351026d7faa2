import SQLiteNIO
import SluiceCore

/// The SQL text a ``SQLiteTableDialect`` runs. Names are quoted with ``SQLIdentifier``;
/// values are always `?` placeholders.
enum SQLiteStatements {
    /// SQLite's default cap on bound parameters per statement (`SQLITE_MAX_VARIABLE_NUMBER`
    /// since 3.32). sqlite-nio builds with a higher one, but staying under the default keeps
    /// statements valid on any build.
    static let maxBoundParameters = 32_766

    /// How many rows of `columnCount` values one multi-row `INSERT` may carry.
    static func rowsPerStatement(columnCount: Int) -> Int {
        max(1, maxBoundParameters / max(1, columnCount))
    }

    /// `INSERT INTO t (cols) VALUES (?, …), …` for `rows` rows, with the upsert clause in
    /// upsert mode: `ON CONFLICT (keys) DO UPDATE SET c = excluded.c` for every non-key
    /// column given (so columns not given keep their stored values), or `DO NOTHING` when
    /// only keys are given.
    static func insert(table: String, columns: [String], rows: Int, mode: DatabaseWriteMode, keys: [String]) -> String {
        guard !columns.isEmpty else { return "INSERT INTO \(SQLIdentifier.quoted(table)) DEFAULT VALUES" }
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var sql = "INSERT INTO \(SQLIdentifier.quoted(table)) (\(SQLIdentifier.list(columns))) VALUES "
        sql += Array(repeating: tuple, count: rows).joined(separator: ", ")
        if mode == .upsert {
            let keySet = Set(keys.map { $0.lowercased() })
            let updates = columns.filter { !keySet.contains($0.lowercased()) }
            sql += " ON CONFLICT (\(SQLIdentifier.list(keys))) DO "
            if updates.isEmpty {
                sql += "NOTHING"
            } else {
                sql += "UPDATE SET " + updates.map { "\(SQLIdentifier.quoted($0)) = excluded.\(SQLIdentifier.quoted($0))" }.joined(separator: ", ")
            }
        }
        return sql
    }

    /// `CREATE TABLE t (c TYPE, …)`.
    static func createTable(_ table: String, columns: [(name: String, kind: DatabaseColumnKind)]) -> String {
        let definitions = columns.map { "\(SQLIdentifier.quoted($0.name)) \(SQLiteValueMapping.declaredType($0.kind))" }
        return "CREATE TABLE \(SQLIdentifier.quoted(table)) (\(definitions.joined(separator: ", ")))"
    }

    /// `CREATE UNIQUE INDEX sluice_<table>_keys ON t (keys)`.
    static func createKeyIndex(_ table: String, keys: [String]) -> String {
        "CREATE UNIQUE INDEX \(SQLIdentifier.quoted("sluice_\(table)_keys")) ON \(SQLIdentifier.quoted(table)) (\(SQLIdentifier.list(keys)))"
    }

    /// Whether SQLite refused the row's values (a constraint, a datatype in a STRICT table,
    /// a too-big value) rather than the statement or the database failing.
    static func isRowError(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .constraint, .constraintCheckFailed, .constraintForeignKeyFailed, .constraintUserFunctionFailed,
            .constraintNotNullFailed, .constraintPrimaryKeyFailed, .constraintTriggerFailed, .constraintUniqueFailed,
            .constraintVirtualTableFailed, .constraintUniqueRowIDFailed, .constraintStrictDataTypeFailed,
            .mismatch, .tooBig:
            return true
        default:
            return false
        }
    }
}

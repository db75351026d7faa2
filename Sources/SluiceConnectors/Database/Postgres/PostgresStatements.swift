import SluiceCore

/// The SQL text the PostgreSQL target runs. Names are always quoted; values are never part
/// of the text (they go through COPY data or bound parameters).
enum PostgresStatements {
    /// The column type the target creates for a kind: integer → `bigint`, real →
    /// `double precision`, text → `text`, boolean → `boolean`, timestamp → `timestamptz`,
    /// json → `jsonb`.
    static func columnType(_ kind: DatabaseColumnKind) -> String {
        switch kind {
        case .integer: return "bigint"
        case .real: return "double precision"
        case .text: return "text"
        case .boolean: return "boolean"
        case .timestamp: return "timestamptz"
        case .json: return "jsonb"
        case .decimal(let precision, let scale): return precision <= 1000 && scale <= precision ? "numeric(\(precision),\(scale))" : "numeric"
        }
    }

    /// `CREATE TABLE` with a primary key on `keys` when there are keys.
    static func createTable(_ table: PostgresRelationName, columns: [(name: String, kind: DatabaseColumnKind)], keys: [String]) -> String {
        var parts = columns.map { "\(SQLIdentifier.quoted($0.name)) \(columnType($0.kind))" }
        if !keys.isEmpty { parts.append("PRIMARY KEY (\(SQLIdentifier.list(keys)))") }
        return "CREATE TABLE \(table.quoted) (\(parts.joined(separator: ", ")))"
    }

    /// `ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c …` for the non-key `columns`
    /// (`DO NOTHING` when every column is a key).
    static func onConflict(keys: [String], columns: [String]) -> String {
        let keySet = Set(keys)
        let updates = columns.filter { !keySet.contains($0) }.map { "\(SQLIdentifier.quoted($0)) = EXCLUDED.\(SQLIdentifier.quoted($0))" }
        let action = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET \(updates.joined(separator: ", "))"
        return " ON CONFLICT (\(SQLIdentifier.list(keys))) \(action)"
    }

    /// A one-row `INSERT` with `$1 …` parameters (an upsert when `upsertKeys` is given).
    static func insertRow(_ table: PostgresRelationName, columns: [String], upsertKeys: [String]?) -> String {
        guard !columns.isEmpty else { return "INSERT INTO \(table.quoted) DEFAULT VALUES" }
        let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        var sql = "INSERT INTO \(table.quoted) (\(SQLIdentifier.list(columns))) VALUES (\(placeholders))"
        if let upsertKeys { sql += onConflict(keys: upsertKeys, columns: columns) }
        return sql
    }

    /// The name of the ordinal column of a stage table.
    static let ordinalColumn = "sluice$ord"

    /// A temporary stage table with `columns` typed as in `table` plus the ordinal column,
    /// dropped at the end of the transaction.
    static func createStage(_ stage: PostgresRelationName, like table: PostgresRelationName, columns: [String]) -> String {
        "CREATE TEMP TABLE \(stage.quoted) ON COMMIT DROP AS SELECT 0::bigint AS \(SQLIdentifier.quoted(ordinalColumn)), "
            + "\(SQLIdentifier.list(columns)) FROM \(table.quoted) WITH NO DATA"
    }

    /// Moves the stage's rows into `table` and empties the stage, in one statement: of rows
    /// with the same keys the last staged wins (one `INSERT … ON CONFLICT` may not touch a
    /// row twice).
    static func upsertFromStage(_ stage: PostgresRelationName, into table: PostgresRelationName, columns: [String], keys: [String]) -> String {
        let list = SQLIdentifier.list(columns)
        let keyList = SQLIdentifier.list(keys)
        return "WITH s AS (DELETE FROM \(stage.quoted) RETURNING *) INSERT INTO \(table.quoted) (\(list)) "
            + "SELECT DISTINCT ON (\(keyList)) \(list) FROM s ORDER BY \(keyList), \(SQLIdentifier.quoted(ordinalColumn)) DESC"
            + onConflict(keys: keys, columns: columns)
    }

    /// `DELETE` of the rows whose `keys` equal one of `rows` parameter tuples.
    static func delete(from table: PostgresRelationName, keys: [String], rows: Int) -> String {
        var parameter = 0
        func next() -> String {
            parameter += 1
            return "$\(parameter)"
        }
        if keys.count == 1 {
            let list = (0..<rows).map { _ in next() }.joined(separator: ", ")
            return "DELETE FROM \(table.quoted) WHERE \(SQLIdentifier.quoted(keys[0])) IN (\(list))"
        }
        let tuples = (0..<rows).map { _ in "(" + keys.map { _ in next() }.joined(separator: ", ") + ")" }.joined(separator: ", ")
        return "DELETE FROM \(table.quoted) WHERE (\(SQLIdentifier.list(keys))) IN (\(tuples))"
    }

    /// Whether a server error is about the row being written (SQLSTATE class 22, data
    /// exception, or 23, integrity constraint violation) rather than the statement or the
    /// connection.
    static func isRowError(_ error: any Error) -> Bool {
        guard let state = PostgresErrorText.sqlState(error) else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }
}

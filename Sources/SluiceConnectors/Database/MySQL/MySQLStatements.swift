import SluiceCore
import SluiceMySQLWire

/// The SQL text a ``MySQLTableDialect`` runs. Names are quoted with backticks; values are
/// always `?` placeholders of prepared statements.
enum MySQLStatements {
    /// The most placeholders one prepared statement may have.
    static let maxPlaceholders = 65_535

    static func name(_ name: String) -> String { SQLIdentifier.quoted(name, quote: "`") }
    static func names(_ names: [String]) -> String { SQLIdentifier.list(names, quote: "`") }

    /// `INSERT INTO t (cols) VALUES (?, …), …` for `rows` rows; with `upsert`, plus
    /// `ON DUPLICATE KEY UPDATE c = VALUES(c)` for every non-key column given (so columns
    /// not given keep their stored values), or a no-op update of the first key when only
    /// keys are given.
    static func insert(table: String, columns: [String], rows: Int, upsert: Bool, keys: [String]) -> String {
        guard !columns.isEmpty else {
            return "INSERT INTO \(name(table)) () VALUES " + Array(repeating: "()", count: rows).joined(separator: ", ")
        }
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var sql = "INSERT INTO \(name(table)) (\(names(columns))) VALUES "
        sql += Array(repeating: tuple, count: rows).joined(separator: ", ")
        if upsert {
            let keySet = Set(keys.map { $0.lowercased() })
            let updates = columns.filter { !keySet.contains($0.lowercased()) }
            if updates.isEmpty {
                let first = name(keys.first ?? columns[0])
                sql += " ON DUPLICATE KEY UPDATE \(first) = \(first)"
            } else {
                sql += " ON DUPLICATE KEY UPDATE " + updates.map { "\(name($0)) = VALUES(\(name($0)))" }.joined(separator: ", ")
            }
        }
        return sql
    }

    /// `DELETE FROM t WHERE k1 = ? AND …`.
    static func deleteByKeys(table: String, keys: [String]) -> String {
        "DELETE FROM \(name(table)) WHERE " + keys.map { "\(name($0)) = ?" }.joined(separator: " AND ")
    }

    /// `DELETE FROM t` (not TRUNCATE, which commits the open transaction).
    static func deleteAll(table: String) -> String { "DELETE FROM \(name(table))" }

    /// `CREATE TABLE t (c TYPE, …, PRIMARY KEY (keys)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`.
    static func createTable(_ table: String, columns: [(name: String, kind: DatabaseColumnKind)], keys: [String]) -> String {
        let keySet = Set(keys.map { $0.lowercased() })
        var definitions = columns.map {
            "\(name($0.name)) \(MySQLValueMapping.columnType($0.kind, key: keySet.contains($0.name.lowercased())))"
        }
        if !keys.isEmpty { definitions.append("PRIMARY KEY (\(names(keys)))") }
        return "CREATE TABLE \(name(table)) (\(definitions.joined(separator: ", "))) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    }

    /// Server errors that a row's values caused (the row is rejected; the rest is written):
    /// duplicate keys, NULL in NOT NULL, CHECK constraints (incl. MariaDB's JSON check),
    /// values too long, out of range or of the wrong type in strict mode, missing defaults,
    /// foreign keys.
    static let rowErrorCodes: Set<UInt16> = [
        1022, 1048, 1062, 1169, 1216, 1217, 1263, 1264, 1265, 1292, 1364, 1366, 1367, 1406, 1411, 1451, 1452, 1557, 1586,
        1690, 1859, 3140, 3819, 4025, 4078,
    ]

    /// Whether `error` is a refused row rather than a failed statement or connection.
    static func isRowError(_ error: MySQLError) -> Bool {
        guard let server = error.serverError else { return false }
        return rowErrorCodes.contains(server.code)
    }
}

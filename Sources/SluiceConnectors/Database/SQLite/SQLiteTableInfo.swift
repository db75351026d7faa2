import SQLiteNIO
import SluiceCore

/// What Sluice needs to know about one table (or view) of a database: its columns with their
/// declared types, whether rows have a rowid, and its unique indexes.
struct SQLiteTableInfo: Sendable {
    /// One column.
    struct Column: Sendable, Equatable {
        var name: String
        var declaredType: String
    }

    /// The columns in table order.
    var columns: [Column]
    /// `table` or `view`.
    var kind: String
    /// Whether the rows have a rowid (false for views and `WITHOUT ROWID` tables).
    var hasRowid: Bool

    /// The information of `table` in the main database, or `nil` when there is no such table or view.
    static func load(_ table: String, on connection: SQLiteConnection) async throws -> SQLiteTableInfo? {
        let listed = try await connection.query(
            "SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", [.text(table)])
        guard let entry = listed.first, let kind = entry.column("type")?.string else { return nil }
        let rows = try await connection.query(
            "SELECT name, type FROM pragma_table_info(?, 'main') ORDER BY cid", [.text(table)])
        let columns = rows.map { Column(name: $0.column("name")?.string ?? "", declaredType: $0.column("type")?.string ?? "") }
        return SQLiteTableInfo(columns: columns, kind: kind, hasRowid: kind == "table" && entry.column("wr")?.integer == 0)
    }

    /// The column names.
    var names: [String] { columns.map(\.name) }

    /// The declared type of `name` (SQLite names are case-insensitive).
    func declaredType(of name: String) -> String? {
        let lower = name.lowercased()
        return columns.first { $0.name.lowercased() == lower }?.declaredType
    }

    /// The names in `wanted` that are not columns, compared as SQLite does (ASCII case-insensitively).
    func missing(_ wanted: [String]) -> [String] {
        let have = Set(columns.map { $0.name.lowercased() })
        return wanted.filter { !have.contains($0.lowercased()) }
    }

    /// A name for the rowid that no column shadows (`rowid`, `_rowid_` or `oid`), as SQLite
    /// documents; `nil` when columns use all three.
    var rowidName: String? {
        let have = Set(columns.map { $0.name.lowercased() })
        return ["rowid", "_rowid_", "oid"].first { !have.contains($0) }
    }

    /// Whether a unique index (or primary key) covers exactly the columns `keys`, which
    /// `ON CONFLICT(keys)` needs.
    static func hasUniqueIndex(on keys: [String], table: String, connection: SQLiteConnection) async throws -> Bool {
        let wanted = Set(keys.map { $0.lowercased() })
        let indexes = try await connection.query(
            "SELECT name FROM pragma_index_list(?, 'main') WHERE \"unique\" = 1 AND partial = 0", [.text(table)])
        for index in indexes {
            guard let name = index.column("name")?.string else { continue }
            let columns = try await connection.query(
                "SELECT name FROM pragma_index_info(?, 'main')", [.text(name)])
            let names = columns.compactMap { $0.column("name")?.string?.lowercased() }
            if names.count == wanted.count, Set(names) == wanted { return true }
        }
        // An INTEGER PRIMARY KEY is the rowid itself and has no index entry.
        let pk = try await connection.query(
            "SELECT name FROM pragma_table_info(?, 'main') WHERE pk > 0", [.text(table)])
        let pkNames = pk.compactMap { $0.column("name")?.string?.lowercased() }
        return !pkNames.isEmpty && pkNames.count == wanted.count && Set(pkNames) == wanted
    }
}

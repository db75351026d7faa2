import SluiceMySQLWire

/// What a target needs to know about an existing table, from `information_schema`.
struct MySQLTableInfo: Sendable, Equatable {
    /// Column names in table order.
    var columns: [String]
    /// The column sets of the PRIMARY KEY and the UNIQUE indexes (names lowercased).
    var uniqueKeys: [Set<String>]

    /// The names of `wanted` the table lacks (MySQL compares column names without case).
    func missing(_ wanted: [String]) -> [String] {
        let have = Set(columns.map { $0.lowercased() })
        return wanted.filter { !have.contains($0.lowercased()) }
    }

    /// Whether a PRIMARY KEY or UNIQUE index covers exactly `keys`.
    func hasUniqueKey(on keys: [String]) -> Bool {
        uniqueKeys.contains(Set(keys.map { $0.lowercased() }))
    }

    /// The table `name` in the connection's current database, `nil` when there is none.
    static func load(_ name: String, on connection: MySQLConnection) async throws(MySQLError) -> MySQLTableInfo? {
        let table = MySQLLiteral.text(name)
        let columns = try await connection.query(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(table) ORDER BY ORDINAL_POSITION")
        guard !columns.rows.isEmpty else { return nil }
        let indexes = try await connection.query(
            "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(table) AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX")
        var keys: [String: Set<String>] = [:]
        for row in indexes.rows {
            guard let index = row[0], let column = row[1] else { continue }
            keys[index, default: []].insert(column.lowercased())
        }
        return MySQLTableInfo(columns: columns.rows.compactMap { $0.first ?? nil }, uniqueKeys: Array(keys.values))
    }
}

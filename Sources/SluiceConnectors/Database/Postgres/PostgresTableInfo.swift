import Logging
import PostgresNIO

/// What the target needs to know about an existing table, from the system catalogs.
struct PostgresTableInfo: Sendable {
    /// A column: its name, whether its type is an array type, and its type when the target
    /// can write that type's binary form.
    struct Column: Sendable, Equatable {
        var name: String
        var isArray: Bool
        var binaryType: PostgresColumnType?
    }

    /// `pg_class.relkind`: `r` table, `p` partitioned table, `v` view, `m` materialized view, `f` foreign table.
    var kind: String
    /// The columns, in table order.
    var columns: [Column]
    /// The column sets of the table's unique indexes (primary key included) that have no
    /// expression and no predicate, which `ON CONFLICT (keys)` can use.
    var uniqueKeys: [Set<String>]

    /// The column names.
    var names: [String] { columns.map(\.name) }

    /// Whether the column `name` has an array type.
    func isArray(_ name: String) -> Bool { columns.first { $0.name == name }?.isArray ?? false }

    /// The binary-writable type of each of `names`, or nil when one has none (or is missing).
    func binaryTypes(_ names: [String]) -> [PostgresColumnType]? {
        var types: [PostgresColumnType] = []
        types.reserveCapacity(names.count)
        for name in names {
            guard let type = columns.first(where: { $0.name == name })?.binaryType else { return nil }
            types.append(type)
        }
        return types
    }

    /// The names of `wanted` the table has no column for.
    func missing(_ wanted: [String]) -> [String] {
        let have = Set(names)
        return wanted.filter { !have.contains($0) }
    }

    /// Whether a unique index covers exactly `keys`.
    func hasUniqueIndex(on keys: [String]) -> Bool { uniqueKeys.contains(Set(keys)) }

    /// The table's description, or nil when there is no relation of that name.
    static func load(_ name: PostgresRelationName, on connection: PostgresConnection, logger: Logger) async throws -> PostgresTableInfo? {
        var binds = PostgresBindings()
        binds.append(name.quoted)
        let kinds = try await connection.textRows("SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)", binds: binds, logger: logger)
        guard let kind = kinds.first?.first.flatMap({ $0 }) else { return nil }
        let columns = try await connection.textRows(
            """
            SELECT a.attname::text, (t.typcategory = 'A')::text, a.atttypid::text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, binds: binds, logger: logger)
        let indexed = try await connection.textRows(
            """
            SELECT i.indexrelid::text, a.attname::text FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
            """, binds: binds, logger: logger)
        var byIndex: [String: Set<String>] = [:]
        for row in indexed {
            guard row.count == 2, let index = row[0], let column = row[1] else { continue }
            byIndex[index, default: []].insert(column)
        }
        return PostgresTableInfo(
            kind: kind,
            columns: columns.compactMap { row in
                guard row.count == 3, let name = row[0] else { return nil }
                return Column(name: name, isArray: row[1] == "true", binaryType: row[2].flatMap { UInt32($0) }.flatMap(PostgresColumnType.init(oid:)))
            },
            uniqueKeys: Array(byIndex.values))
    }
}

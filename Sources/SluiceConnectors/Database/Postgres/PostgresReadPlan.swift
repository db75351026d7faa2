import Logging
import PostgresNIO
import SluiceCore

/// The statement a ``PostgresSource`` read runs, and how each result column is decoded.
///
/// The base `SELECT` is first described (`SELECT * FROM (base) AS sluice_q LIMIT 0`, which
/// returns no rows but the result's column names and type OIDs). When every column has a
/// binary decoder (``PostgresColumnKind``) the base runs as it is; otherwise it runs wrapped,
/// with its columns renamed by position (`AS sluice_q(c1, c2 …)`, so duplicate or odd names
/// cannot clash) and those columns cast to `text`, or `text[]` for arrays. The base ends
/// with a line break inside the parentheses, so a trailing `--` comment cannot swallow them.
struct PostgresReadPlan: Sendable {
    /// The statement to stream.
    var sql: String
    /// The result's column names.
    var fields: [String]
    /// The decoder of each column.
    var kinds: [PostgresColumnKind]

    /// The statement with `parameters` bound.
    func query(_ parameters: [Value]) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: Self.binds(parameters))
    }

    static func binds(_ parameters: [Value]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: parameters.count)
        for value in parameters { binds.appendText(value, arrayColumn: true) }
        return binds
    }

    static func make(base: String, parameters: [Value], on connection: PostgresConnection, logger: Logger) async throws -> PostgresReadPlan {
        let described = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT * FROM (\(base)\n) AS sluice_q LIMIT 0", binds: binds(parameters)), logger: logger)
        let columns = described.columns.map { (name: $0.name, oid: $0.dataType.rawValue) }
        for try await _ in described {}
        var seen = Set<String>()
        for column in columns where !seen.insert(column.name).inserted {
            throw ConnectorError.io("the result has two columns named '\(column.name)'; rename one with AS")
        }
        let fields = columns.map(\.name)
        let unknown = columns.filter { PostgresColumnKind(oid: $0.oid) == nil }.map(\.oid)
        guard !unknown.isEmpty else {
            return PostgresReadPlan(sql: base, fields: fields, kinds: columns.compactMap { PostgresColumnKind(oid: $0.oid) })
        }
        var lookup = PostgresBindings()
        lookup.append(Array(Set(unknown)).map { Int($0) })
        let arrays = try await connection.textRows(
            "SELECT oid::text FROM pg_type WHERE oid::int8 = ANY($1) AND typcategory = 'A'", binds: lookup, logger: logger)
        let arrayOIDs = Set(arrays.compactMap { $0.first.flatMap { $0 }.flatMap { UInt32($0) } })
        var kinds: [PostgresColumnKind] = []
        var selected: [String] = []
        for (index, column) in columns.enumerated() {
            let alias = "sluice_q.c\(index + 1)"
            if let kind = PostgresColumnKind(oid: column.oid) {
                kinds.append(kind)
                selected.append(alias)
            } else if arrayOIDs.contains(column.oid) {
                kinds.append(.array)
                selected.append("\(alias)::text[]")
            } else {
                kinds.append(.text)
                selected.append("\(alias)::text")
            }
        }
        let aliases = columns.indices.map { "c\($0 + 1)" }.joined(separator: ", ")
        let sql = "SELECT \(selected.joined(separator: ", ")) FROM (\(base)\n) AS sluice_q(\(aliases))"
        return PostgresReadPlan(sql: sql, fields: fields, kinds: kinds)
    }
}

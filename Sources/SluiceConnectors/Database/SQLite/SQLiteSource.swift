import SQLiteNIO
import SluiceCore

/// Reads rows of a SQLite database file: a table (optionally some columns and a `where`
/// filter) or the result of a query, in batches of `batchSize` rows.
///
/// The file is opened read-only. A table is read with keyset pagination on its rowid
/// (`… WHERE rowid > ? ORDER BY rowid LIMIT ?`), so each batch is one indexed range scan and
/// only one batch is ever in memory. A query — and a view or `WITHOUT ROWID` table, which
/// have no rowid — is run once into a temporary table (SQLite's temp store, a file by
/// default) that is then read the same way; that costs one extra copy of the result but
/// keeps memory at one batch and every batch O(batch), where `LIMIT … OFFSET …` would
/// rescan (and re-sort) the result for every batch. Values map as ``SQLiteValueMapping``
/// says; query results carry no declared types, so there only storage classes decide.
public struct SQLiteSource: IncrementalSource {
    public static let type = "sqlite"

    /// `source.config` of a SQLite source: `path` plus either `table` (with optional
    /// `columns`, `where`) or `query`; `parameters` are bound to the `?` placeholders.
    public struct Config: Decodable, Sendable {
        /// Path of the database file, inside the data roots; it must exist.
        public var path: String
        /// The table or view (`?` placeholders in `where`) or the `SELECT` read; `parameters`
        /// are strings, numbers, booleans or null.
        public var selection: TableSelectionConfig

        enum CodingKeys: String, CodingKey {
            case path
        }

        public init(from decoder: any Decoder) throws {
            path = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .path)
            selection = try TableSelectionConfig(from: decoder)
        }
    }

    let path: String
    let configuredPath: String
    var selection: TableSelection
    let parameters: [SQLiteData]
    let batchSize: Int
    let roots: DataRoots

    public init(config: Config, context: ComponentContext) throws {
        guard !config.path.isEmpty else { throw SpecError(path: "path", "must not be empty") }
        selection = try TableSelection(config.selection)
        parameters = try selection.parameters.enumerated().map { index, value throws(SpecError) in
            switch value {
            case .array, .object, .timestamp:
                throw SpecError(path: "parameters[\(index)]", "expected a string, number, boolean or null, found \(value.kindName)")
            default:
                return SQLiteValueMapping.data(value)
            }
        }
        self.configuredPath = config.path
        self.path = try context.dataRoots.authorize(config.path)
        self.batchSize = max(1, context.batchSize)
        self.roots = context.dataRoots
    }

    /// The database file as messages name it: resolved, and as configured when that differs.
    var shownPath: String { DataRoots.describe(path, given: configuredPath) }

    public var location: String { selection.location("sqlite:\(path)") }

    public func readingFrom(_ value: Value, of field: String) throws -> any Source {
        var copy = self
        copy.selection = selection.reading(from: value, of: field)
        return copy
    }

    /// The SQL condition (and its parameter) of the selection's lower bound; a superset of
    /// the rows past the watermark, never fewer. Timestamps compare through `julianday`,
    /// since SQLite stores them as text in several spellings; a value `julianday` cannot read
    /// is kept for the engine to judge. Text compares by bytes (`COLLATE BINARY`), as the
    /// engine does.
    private var boundCondition: (sql: String, parameter: SQLiteData)? {
        guard let (field, bound) = selection.lowerBound else { return nil }
        let column = SQLIdentifier.quoted(field)
        switch bound {
        case .timestamp(let t):
            return ("(julianday(\(column)) >= julianday(?) OR julianday(\(column)) IS NULL)", .text(t.iso8601))
        case .number(let number):
            return ("\(column) >= ?", SQLiteValueMapping.data(number))
        case .text(let text):
            return ("\(column) COLLATE BINARY >= ?", .text(text))
        }
    }

    public func open() async throws -> any BatchReader {
        // Checked again: a symlink swapped in since planning must not lead outside the roots.
        let real = try roots.authorize(path)
        let connection = try await SQLiteDatabaseFile.openReadOnly(real, configured: configuredPath)
        do {
            return try await makeReader(connection)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func makeReader(_ connection: SQLiteConnection) async throws -> SQLiteBatchReader {
        switch selection.subject {
        case .table(let name, let wanted, let condition):
            guard let info = try await SQLiteTableInfo.load(name, on: connection) else {
                throw ConnectorError.io("SQLite database \(shownPath) has no table or view '\(name)'")
            }
            let columns = wanted ?? info.names
            let missing = info.missing(columns)
            guard missing.isEmpty else {
                throw ConnectorError.io(
                    "table '\(name)' of \(shownPath) has no column \(missing.map { "'\($0)'" }.joined(separator: ", "))")
            }
            let declared = columns.map { DeclaredColumnType(declared: info.declaredType(of: $0) ?? "") }
            var filter = condition
            var bound = parameters
            if let extra = boundCondition {
                filter = filter.map { "(\($0)) AND \(extra.sql)" } ?? extra.sql
                bound.append(extra.parameter)
            }
            if info.hasRowid, let rowid = info.rowidName {
                return SQLiteBatchReader(
                    connection: connection, source: SQLIdentifier.quoted(name), rowid: rowid, fields: columns,
                    declared: declared, condition: filter, parameters: bound, batchSize: batchSize)
            }
            var sql = "SELECT \(SQLIdentifier.list(columns)) FROM \(SQLIdentifier.quoted(name))"
            if let filter { sql += " WHERE \(filter)" }
            return try await snapshotReader(connection, sql: sql, parameters: bound, declared: declared)
        case .query(let sql):
            guard let extra = boundCondition else {
                return try await snapshotReader(connection, sql: sql, parameters: parameters, declared: nil)
            }
            return try await snapshotReader(
                connection, sql: TableSelection.bounded(sql, by: extra.sql), parameters: parameters + [extra.parameter], declared: nil)
        }
    }

    /// Runs `sql` into a temporary table and reads that by rowid. `declared` gives the column
    /// meanings when known (nil: storage classes only).
    private func snapshotReader(
        _ connection: SQLiteConnection, sql: String, parameters: [SQLiteData], declared: [DeclaredColumnType]?
    ) async throws -> SQLiteBatchReader {
        let snapshot = "sluice_read"
        do {
            _ = try await connection.query("CREATE TEMP TABLE \(SQLIdentifier.quoted(snapshot)) AS \(sql)", parameters)
        } catch {
            throw ConnectorError.io("SQLite query on \(shownPath) failed: \(SQLiteDatabaseFile.message(error))")
        }
        let rows = try await connection.query(
            "SELECT name FROM pragma_table_info(?, 'temp') ORDER BY cid", [.text(snapshot)])
        let fields = rows.compactMap { $0.column("name")?.string }
        let info = SQLiteTableInfo(columns: fields.map { .init(name: $0, declaredType: "") }, kind: "table", hasRowid: true)
        guard let rowid = info.rowidName else {
            throw ConnectorError.io("the query on \(shownPath) returns columns named rowid, _rowid_ and oid; rename one with AS")
        }
        return SQLiteBatchReader(
            connection: connection, source: "temp.\(SQLIdentifier.quoted(snapshot))", rowid: rowid, fields: fields,
            declared: declared ?? Array(repeating: .plain, count: fields.count), condition: nil, parameters: [],
            batchSize: batchSize)
    }
}

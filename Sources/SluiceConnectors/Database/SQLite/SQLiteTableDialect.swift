import SQLiteNIO
import SluiceCore

/// How a ``TableWriter`` writes to a table of a SQLite database file (see ``SQLiteTarget``).
///
/// Each run of rows with the same fields is cut into multi-row `INSERT`s under
/// ``SQLiteStatements/maxBoundParameters``; each runs in a savepoint and, when SQLite refuses
/// it for a row-level reason, its rows are inserted one by one, so each refused row becomes a
/// ``Rejection`` with SQLite's message. Names match without regard to case; the table and
/// its key index are created inside the open transaction.
final class SQLiteTableDialect: TableDialect {
    private let connection: SQLiteConnection
    let settings: DatabaseWriteSettings
    /// The database file as messages name it.
    private let shownPath: String

    init(connection: SQLiteConnection, settings: DatabaseWriteSettings, shownPath: String) {
        self.connection = connection
        self.settings = settings
        self.shownPath = shownPath
    }

    var tableDescription: String { "table '\(settings.table)' in \(shownPath)" }
    var caseInsensitiveNames: Bool { true }
    var transactionalDDL: Bool { true }
    var beginStatement: String { "BEGIN IMMEDIATE" }

    func columnNames(of columns: [String]) -> [String] { columns }

    func run(_ sql: String) async throws {
        do {
            _ = try await connection.query(sql)
        } catch {
            throw failed(error)
        }
    }

    func rollBack() async -> Bool {
        let connection = connection
        return await AbortCleanup.run {
            // When ROLLBACK fails there is no transaction left; closing ends any anyway.
            _ = try? await connection.query("ROLLBACK")
            return true
        }
    }

    /// Fails when a table's `ON CONFLICT ROLLBACK` clause has already rolled the whole
    /// transaction back (the savepoint is then gone).
    func rollBack(toSavepoint name: String) async throws {
        do {
            _ = try await connection.query("ROLLBACK TO SAVEPOINT \(name)")
            _ = try await connection.query("RELEASE SAVEPOINT \(name)")
        } catch {
            throw ConnectorError.io(
                "SQLite rolled back the whole transaction on '\(settings.table)' (an ON CONFLICT ROLLBACK clause?): \(SQLiteDatabaseFile.message(error))")
        }
    }

    func emptyTable() async throws {
        try await run("DELETE FROM \(SQLIdentifier.quoted(settings.table))")
    }

    /// `CREATE TABLE` (number → INTEGER or REAL, see ``SQLiteValueMapping``), plus a unique
    /// index on the keys when there are keys.
    func createTable(_ columns: [TableColumnDefinition]) async throws -> [String] {
        try await run(SQLiteStatements.createTable(settings.table, columns: columns))
        if !settings.keys.isEmpty { try await run(SQLiteStatements.createKeyIndex(settings.table, keys: settings.keys)) }
        return columns.map(\.name)
    }

    func writeRun(_ batch: RecordBatch, rows: Range<Int>, fields: [Int], into columns: [String]) async throws -> TableWriteOutcome {
        let perStatement = SQLiteStatements.rowsPerStatement(columnCount: fields.count)
        var outcome = TableWriteOutcome()
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: perStatement) {
            outcome += try await insert(Array(start..<min(rows.upperBound, start + perStatement)), fields: fields, of: batch)
        }
        return outcome
    }

    /// Inserts `rows` with one statement; if SQLite refuses it for a row's sake, row by row.
    private func insert(_ rows: [Int], fields: [Int], of batch: RecordBatch) async throws -> TableWriteOutcome {
        let names = fields.map { batch.fields[$0] }
        let values = rows.map { row in fields.map { SQLiteValueMapping.data(batch.value(row: row, column: $0)) } }
        func size(_ binds: [SQLiteData]) -> Int { binds.reduce(0) { $0 + SQLiteValueMapping.size($1) } }
        let sql = SQLiteStatements.insert(table: settings.table, columns: names, rows: rows.count, mode: settings.mode, keys: settings.keys)
        let single = SQLiteStatements.insert(table: settings.table, columns: names, rows: 1, mode: settings.mode, keys: settings.keys)
        return try await writeRows(
            Array(rows.indices),
            bulk: {
                _ = try await self.connection.query(sql, values.flatMap { $0 })
                return values.reduce(0) { $0 + size($1) }
            },
            single: { index in
                _ = try await self.connection.query(single, values[index])
                return size(values[index])
            },
            reject: { index, error in
                self.rejection(of: .object(batch.record(at: rows[index])), at: batch.positions[rows[index]], for: error)
            })
    }

    func isRowError(_ error: any Error) -> Bool { SQLiteStatements.isRowError(error) }

    func reason(for error: any Error) -> String { SQLiteDatabaseFile.message(error) }

    func failed(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.io("SQLite write to '\(settings.table)' in \(shownPath) failed: \(SQLiteDatabaseFile.message(error))")
    }

    /// Closes the connection, which rolls back a transaction still open; also when the job's
    /// task was cancelled (sqlite-nio refuses calls from a cancelled task, and a connection
    /// left open would keep the file locked).
    func close(inTransaction: Bool) async {
        let connection = connection
        _ = await AbortCleanup.run { (try? await connection.close()) != nil }
    }

    func abandon() {
        let connection = connection
        Task { try? await connection.close() }
    }
}

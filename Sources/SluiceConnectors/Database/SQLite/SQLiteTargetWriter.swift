import SQLiteNIO
import SluiceCore

/// One write of a ``SQLiteTarget``.
///
/// Each batch is cut into runs of consecutive rows that have the same fields (so a field a
/// record lacks is left to the column's default, or in upsert mode to its stored value),
/// and each run into multi-row `INSERT`s under ``SQLiteStatements/maxBoundParameters``.
/// Every statement runs inside a savepoint; when SQLite refuses it for a row-level reason,
/// the savepoint is rolled back and its rows are inserted one by one, each in its own
/// savepoint, so the good rows land and each refused row becomes a ``Rejection`` with
/// SQLite's message and the row's source position.
final class SQLiteTargetWriter: RejectingTargetWriter {
    private let connection: SQLiteConnection
    private let settings: DatabaseWriteSettings
    private let schema: SchemaSpec?
    /// The database file as messages name it.
    private let shownPath: String
    /// The table's columns; `nil` until a missing table is created.
    private var columns: [String]?
    /// Whether the job-wide transaction of replace mode is open.
    private var inJobTransaction = false
    private var finished = false

    init(connection: SQLiteConnection, settings: DatabaseWriteSettings, schema: SchemaSpec?, existingColumns: [String]?, shownPath: String) {
        self.connection = connection
        self.settings = settings
        self.schema = schema
        self.columns = existingColumns
        self.shownPath = shownPath
    }

    deinit {
        if !finished {
            // Closing rolls back whatever is not committed.
            let connection = connection
            Task { try? await connection.close() }
        }
    }

    /// Replace mode, or a job whose writes must land at once (`atomic`): opens the job's
    /// transaction; replace mode also empties the table.
    func start(atomic: Bool) async throws {
        guard settings.mode == .replace || atomic else { return }
        try await run("BEGIN IMMEDIATE")
        inJobTransaction = true
        if settings.mode == .replace, columns != nil { try await run("DELETE FROM \(SQLIdentifier.quoted(settings.table))") }
    }

    func write(_ batch: RecordBatch) async throws -> Int {
        let result = try await writeReportingRejections(batch)
        return result.bytes
    }

    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        guard !batch.isEmpty else { return (0, []) }
        if inJobTransaction { return try await writeRows(batch) }
        let columnsBefore = columns
        try await run("BEGIN IMMEDIATE")
        do {
            let result = try await writeRows(batch)
            try await run("COMMIT")
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK")
            // A table created in this transaction is gone again.
            columns = columnsBefore
            throw error
        }
    }

    func commit() async throws {
        guard !finished else { return }
        do {
            if columns == nil, schema != nil {
                // No records came, but the schema says what the table looks like.
                if !inJobTransaction { try await run("BEGIN IMMEDIATE") }
                try await createTable(for: nil)
                if !inJobTransaction { try await run("COMMIT") }
            }
            if inJobTransaction {
                try await run("COMMIT")
                inJobTransaction = false
            }
        } catch {
            await abort()
            throw error
        }
        finished = true
        try? await connection.close()
    }

    func abort() async {
        guard !finished else { return }
        finished = true
        if inJobTransaction { _ = try? await connection.query("ROLLBACK") }
        inJobTransaction = false
        try? await connection.close()
    }

    // MARK: - Rows

    /// Writes every row of `batch` inside the open transaction.
    private func writeRows(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        if columns == nil { try await createTable(for: batch) }
        try checkFields(of: batch)
        var bytes = 0
        var rejected: [Rejection] = []
        for run in batch.fieldRuns {
            let perStatement = SQLiteStatements.rowsPerStatement(columnCount: run.fields.count)
            var chunkStart = run.rows.lowerBound
            while chunkStart < run.rows.upperBound {
                let rows = Array(chunkStart..<min(run.rows.upperBound, chunkStart + perStatement))
                let outcome = try await insert(rows, fields: run.fields, of: batch)
                bytes += outcome.bytes
                rejected += outcome.rejected
                chunkStart += rows.count
            }
        }
        return (bytes, rejected)
    }


    /// Inserts `rows` with one statement; if SQLite refuses it for a row's sake, row by row.
    private func insert(_ rows: [Int], fields: [Int], of batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        let names = fields.map { batch.fields[$0] }
        let sql = SQLiteStatements.insert(table: settings.table, columns: names, rows: rows.count, mode: settings.mode, keys: settings.keys)
        var binds: [SQLiteData] = []
        binds.reserveCapacity(rows.count * fields.count)
        for row in rows {
            for field in fields { binds.append(SQLiteValueMapping.data(batch.value(row: row, column: field))) }
        }
        let bytes = binds.reduce(0) { $0 + SQLiteValueMapping.size($1) }
        try await run("SAVEPOINT sluice_statement")
        let failure: any Error
        do {
            _ = try await connection.query(sql, binds)
            try await run("RELEASE sluice_statement")
            return (bytes, [])
        } catch where SQLiteStatements.isRowError(error) {
            failure = error
            try await rollBack(to: "sluice_statement")
        } catch {
            throw failed(error)
        }
        if rows.count == 1, let row = rows.first { return (0, [reject(row, of: batch, error: failure)]) }
        let single = SQLiteStatements.insert(table: settings.table, columns: names, rows: 1, mode: settings.mode, keys: settings.keys)
        var written = 0
        var rejected: [Rejection] = []
        for (offset, row) in rows.enumerated() {
            let rowBinds = Array(binds[(offset * fields.count)..<((offset + 1) * fields.count)])
            try await run("SAVEPOINT sluice_row")
            do {
                _ = try await connection.query(single, rowBinds)
                try await run("RELEASE sluice_row")
                written += rowBinds.reduce(0) { $0 + SQLiteValueMapping.size($1) }
            } catch where SQLiteStatements.isRowError(error) {
                rejected.append(reject(row, of: batch, error: error))
                try await rollBack(to: "sluice_row")
            } catch {
                throw failed(error)
            }
        }
        return (written, rejected)
    }

    private func reject(_ row: Int, of batch: RecordBatch, error: any Error) -> Rejection {
        Rejection(
            record: .object(batch.record(at: row)), reasons: [SQLiteDatabaseFile.message(error)],
            position: batch.positions[row], stage: "target")
    }

    /// Undoes a savepoint and drops it. Fails when a table's `ON CONFLICT ROLLBACK` clause
    /// has already rolled the whole transaction back (the savepoint is then gone).
    private func rollBack(to savepoint: String) async throws {
        do {
            _ = try await connection.query("ROLLBACK TO \(savepoint)")
            _ = try await connection.query("RELEASE \(savepoint)")
        } catch {
            inJobTransaction = false
            throw ConnectorError.io(
                "SQLite rolled back the whole transaction on '\(settings.table)' (an ON CONFLICT ROLLBACK clause?): \(SQLiteDatabaseFile.message(error))")
        }
    }

    // MARK: - Table

    /// Fails when the batch has fields the table has no column for.
    private func checkFields(of batch: RecordBatch) throws {
        let have = Set((columns ?? []).map { $0.lowercased() })
        let missing = batch.usedFieldIndexes.map { batch.fields[$0] }.filter { !have.contains($0.lowercased()) }
        guard missing.isEmpty else {
            throw ConnectorError.io(
                "table '\(settings.table)' in \(shownPath) has no column for the field"
                    + "\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")); "
                    + "add the column (ALTER TABLE … ADD COLUMN) or drop the field")
        }
    }

    /// Creates the missing table: the schema's fields first (number → INTEGER when the batch
    /// holds only ints there, else REAL), then the batch's other fields typed from their
    /// values; plus a unique index on `keys` when there are keys.
    private func createTable(for batch: RecordBatch?) async throws {
        var definitions: [(name: String, kind: DatabaseColumnKind)] = []
        func samples(_ name: String) -> [Value] {
            guard let batch, let index = batch.index(of: name) else { return [] }
            return (0..<batch.count).map { batch.value(row: $0, column: index) }
        }
        for field in schema?.fields ?? [] {
            definitions.append((field.name, DatabaseColumnKind.forField(field.type, samples: samples(field.name))))
        }
        let declared = Set(definitions.map { $0.name.lowercased() })
        for name in batch?.fields ?? [] where !declared.contains(name.lowercased()) {
            definitions.append((name, DatabaseColumnKind.infer(from: samples(name))))
        }
        guard !definitions.isEmpty else {
            throw ConnectorError.io("cannot create table '\(settings.table)': the records have no fields")
        }
        let have = Set(definitions.map { $0.name.lowercased() })
        let missingKeys = settings.keys.filter { !have.contains($0.lowercased()) }
        guard missingKeys.isEmpty else {
            throw ConnectorError.io(
                "cannot create table '\(settings.table)': key \(missingKeys.map { "'\($0)'" }.joined(separator: ", ")) is not a field of the records")
        }
        try await run(SQLiteStatements.createTable(settings.table, columns: definitions))
        if !settings.keys.isEmpty { try await run(SQLiteStatements.createKeyIndex(settings.table, keys: settings.keys)) }
        columns = definitions.map(\.name)
    }

    /// Runs a statement, turning SQLite errors into job-level connector errors.
    private func run(_ sql: String) async throws {
        do {
            _ = try await connection.query(sql)
        } catch {
            throw failed(error)
        }
    }

    /// A job-level error for a failed statement.
    private func failed(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.io("SQLite write to '\(settings.table)' in \(shownPath) failed: \(SQLiteDatabaseFile.message(error))")
    }
}

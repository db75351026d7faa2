import Logging
import NIOCore
import PostgresNIO
import SluiceCore

/// One write of a ``PostgresTarget``, on one leased connection.
///
/// Each batch is cut into runs of consecutive rows that have the same fields (a field a
/// record lacks is left to the column's default, or in upsert mode to its stored value).
/// Each run is written inside a savepoint with one COPY (insert and replace) or one COPY
/// into a stage table plus one `INSERT … SELECT … ON CONFLICT` (upsert). When the server
/// refuses the run for a row-level reason (``PostgresStatements/isRowError(_:)``), the
/// savepoint is rolled back and the run's rows are inserted one by one with bound
/// parameters, each in its own savepoint, so the good rows land and each refused row becomes
/// a ``Rejection`` with the server's message and the row's source position. Any other error
/// fails the write, and the batch (or, in a job-wide transaction, the job) is rolled back.
final class PostgresTargetWriter: RejectingTargetWriter {
    private let pool: ConnectionPool<PostgresPooledConnection>
    private let pooled: PostgresPooledConnection
    var connection: PostgresConnection { pooled.connection }
    let settings: DatabaseWriteSettings
    let table: PostgresRelationName
    private let schema: SchemaSpec?
    /// Whether the whole job is one transaction (replace mode, atomic writes).
    private let jobTransaction: Bool
    private let location: String
    let logger: Logger
    /// The table's columns; nil until a missing table is created.
    private(set) var info: PostgresTableInfo?
    /// Whether a transaction is open.
    private var inTransaction = false
    private var finished = false
    /// Stage tables made in the open transaction, by their column list.
    private var stages: [[String]: PostgresRelationName] = [:]
    private let stagePrefix = "sluice_stage_\(UInt32.random(in: 0...UInt32.max))_"

    init(
        pool: ConnectionPool<PostgresPooledConnection>, pooled: PostgresPooledConnection, settings: DatabaseWriteSettings,
        table: PostgresRelationName, info: PostgresTableInfo?, schema: SchemaSpec?, jobTransaction: Bool, location: String,
        logger: Logger
    ) {
        self.pool = pool
        self.pooled = pooled
        self.settings = settings
        self.table = table
        self.info = info
        self.schema = schema
        self.jobTransaction = jobTransaction
        self.location = location
        self.logger = logger
    }

    deinit {
        if !finished {
            // Closing the connection rolls back whatever is not committed.
            let pool = pool
            let pooled = pooled
            Task { await pool.release(pooled, broken: true) }
        }
    }

    /// Opens the job's transaction when there is one; replace mode empties the table in it.
    func start() async throws {
        guard jobTransaction else { return }
        try await run("BEGIN")
        inTransaction = true
        if settings.mode == .replace, info != nil { try await run("TRUNCATE \(table.quoted)") }
    }

    func write(_ batch: RecordBatch) async throws -> Int {
        try await writeReportingRejections(batch).bytes
    }

    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        guard !finished else { throw ConnectorError.io("write to \(location) after commit or abort") }
        guard !batch.isEmpty else { return (0, []) }
        if jobTransaction { return try await writeBatch(batch) }
        let infoBefore = info
        try await run("BEGIN")
        inTransaction = true
        do {
            let result = try await writeBatch(batch)
            try await run("COMMIT")
            inTransaction = false
            stages.removeAll()
            return result
        } catch {
            if connection.isClosed {
                inTransaction = false
            } else if (try? await connection.run("ROLLBACK", logger: logger)) != nil {
                inTransaction = false
            }
            stages.removeAll()
            // A table created in this transaction is gone again.
            info = infoBefore
            throw error
        }
    }

    func commit() async throws {
        guard !finished else { return }
        do {
            if info == nil, schema != nil {
                // No records came, but the schema says what the table looks like.
                try await createTable(samples: nil)
            }
            if inTransaction {
                try await run("COMMIT")
                inTransaction = false
            }
        } catch {
            await abort()
            throw error
        }
        finished = true
        await pool.release(pooled, broken: !pooled.isUsable)
    }

    func abort() async {
        guard !finished else { return }
        finished = true
        var broken = !pooled.isUsable
        if inTransaction, !broken {
            broken = (try? await connection.run("ROLLBACK", logger: logger)) == nil
        }
        inTransaction = false
        await pool.release(pooled, broken: broken)
    }

    // MARK: - Batches

    /// Writes every row of `batch` inside the open transaction.
    private func writeBatch(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        if settings.mode == .apply { return try await applyEvents(batch) }
        if info == nil { try await createTable(samples: batch) }
        try checkFields(of: batch)
        var bytes = 0
        var rejected: [Rejection] = []
        for run in batch.fieldRuns {
            let outcome = try await writeRun(batch, rows: run.rows, fields: run.fields, upsert: settings.mode == .upsert) { row in
                (.object(batch.record(at: row)), batch.positions[row])
            }
            bytes += outcome.bytes
            rejected += outcome.rejected
        }
        return (bytes, rejected)
    }


    /// Writes `rows` of `batch` (which all have exactly `fields`) with one COPY, or when the
    /// server refuses that for a row's sake, row by row. `original` gives the record and
    /// position a rejection reports for a row.
    func writeRun(
        _ batch: RecordBatch, rows: Range<Int>, fields: [Int], upsert: Bool, original: (Int) -> (record: Value, position: Int)
    ) async throws -> (bytes: Int, rejected: [Rejection]) {
        let names = fields.map { batch.fields[$0] }
        let arrays = names.map { info?.isArray($0) ?? false }
        // A run without its keys, or without any field, goes row by row: the server says what is wrong.
        let bulk = !names.isEmpty && (!upsert || Set(names).isSuperset(of: settings.keys))
        if bulk {
            let stage = upsert ? try await stageTable(for: names) : nil
            try await run("SAVEPOINT sluice_run")
            do {
                let encoder = PostgresCopyEncoder(fields: fields, arrayColumns: arrays, withOrdinal: upsert)
                let bytes: Int
                if let stage {
                    bytes = try await copy(batch, rows: rows, with: encoder, into: stage, columns: [PostgresStatements.ordinalColumn] + names)
                    try await connection.run(
                        PostgresStatements.upsertFromStage(stage, into: table, columns: names, keys: settings.keys), logger: logger)
                } else {
                    bytes = try await copy(batch, rows: rows, with: encoder, into: table, columns: names)
                }
                try await run("RELEASE SAVEPOINT sluice_run")
                return (bytes, [])
            } catch where PostgresStatements.isRowError(error) {
                try await run("ROLLBACK TO SAVEPOINT sluice_run")
                try await run("RELEASE SAVEPOINT sluice_run")
            } catch {
                throw failed(error)
            }
        }
        let sql = PostgresStatements.insertRow(table, columns: names, upsertKeys: upsert ? settings.keys : nil)
        var written = 0
        var rejected: [Rejection] = []
        for row in rows {
            var binds = PostgresBindings(capacity: fields.count)
            var size = 0
            for (index, field) in fields.enumerated() {
                size += binds.appendText(batch.value(row: row, column: field), arrayColumn: arrays[index])
            }
            try await run("SAVEPOINT sluice_row")
            do {
                try await connection.run(sql, binds: binds, logger: logger)
                try await run("RELEASE SAVEPOINT sluice_row")
                written += size
            } catch where PostgresStatements.isRowError(error) {
                let (record, position) = original(row)
                rejected.append(Rejection(record: record, reasons: [PostgresErrorText.describe(error)], position: position, stage: "target"))
                try await run("ROLLBACK TO SAVEPOINT sluice_row")
                try await run("RELEASE SAVEPOINT sluice_row")
            } catch {
                throw failed(error)
            }
        }
        return (written, rejected)
    }

    /// Rows per COPY data message: sending a message returns once it is on the socket, so
    /// the next slice is encoded while the server parses the last.
    static let rowsPerMessage = 1024

    /// COPYs `rows` of `batch` into `relation`; returns the bytes sent.
    private func copy(
        _ batch: RecordBatch, rows: Range<Int>, with encoder: PostgresCopyEncoder, into relation: PostgresRelationName, columns: [String]
    ) async throws -> Int {
        var bytes = 0
        try await connection.copyFrom(
            table: relation.copyName, columns: columns.map(SQLIdentifier.copyName), format: .text(.init()), logger: logger
        ) { writer in
            var start = rows.lowerBound
            while start < rows.upperBound {
                let end = min(rows.upperBound, start + Self.rowsPerMessage)
                let data = encoder.encode(batch, rows: start..<end)
                bytes += data.readableBytes
                try await writer.write(data)
                start = end
            }
        }
        return bytes
    }

    /// The stage table for runs with `columns`, made once per transaction (outside any
    /// savepoint, so rolling a run back keeps it).
    private func stageTable(for columns: [String]) async throws -> PostgresRelationName {
        if let stage = stages[columns] { return stage }
        let stage = PostgresRelationName(schema: "pg_temp", table: "\(stagePrefix)\(stages.count + 1)")
        try await run(PostgresStatements.createStage(stage, like: table, columns: columns))
        stages[columns] = stage
        return stage
    }

    // MARK: - Table

    /// Fails when the batch has fields the table has no column for.
    func checkFields(of batch: RecordBatch) throws {
        let have = Set(info?.names ?? [])
        let missing = batch.usedFieldIndexes.map { batch.fields[$0] }.filter { !have.contains($0) }
        guard missing.isEmpty else {
            throw ConnectorError.io(
                "table '\(table.display)' on \(location) has no column for the field"
                    + "\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")); "
                    + "add the column (ALTER TABLE … ADD COLUMN) or drop the field")
        }
    }

    /// Creates the missing table: the schema's fields first (number → bigint when the
    /// samples hold only ints there, else double precision), then the samples' other fields
    /// typed from their values; the primary key is `keys` when there are keys.
    func createTable(samples batch: RecordBatch?) async throws {
        var definitions: [(name: String, kind: DatabaseColumnKind)] = []
        func samples(_ name: String) -> [Value] {
            guard let batch, let index = batch.index(of: name) else { return [] }
            return (0..<batch.count).map { batch.value(row: $0, column: index) }
        }
        for field in schema?.fields ?? [] {
            definitions.append((field.name, DatabaseColumnKind.forField(field.type, samples: samples(field.name))))
        }
        let declared = Set(definitions.map(\.name))
        for name in batch?.fields ?? [] where !declared.contains(name) {
            definitions.append((name, DatabaseColumnKind.infer(from: samples(name))))
        }
        guard !definitions.isEmpty else {
            throw ConnectorError.io("cannot create table '\(table.display)': the records have no fields")
        }
        let have = Set(definitions.map(\.name))
        let missingKeys = settings.keys.filter { !have.contains($0) }
        guard missingKeys.isEmpty else {
            throw ConnectorError.io(
                "cannot create table '\(table.display)': key \(missingKeys.map { "'\($0)'" }.joined(separator: ", ")) is not a field of the records")
        }
        try await run(PostgresStatements.createTable(table, columns: definitions, keys: settings.keys))
        info = PostgresTableInfo(
            kind: "r", columns: definitions.map { .init(name: $0.name, isArray: false) },
            uniqueKeys: settings.keys.isEmpty ? [] : [Set(settings.keys)])
    }

    // MARK: - Statements

    /// Runs a statement, turning server errors into job-level connector errors.
    func run(_ sql: String, binds: PostgresBindings = PostgresBindings()) async throws {
        do {
            try await connection.run(sql, binds: binds, logger: logger)
        } catch {
            throw failed(error)
        }
    }

    /// A job-level error for a failed statement.
    func failed(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.io("PostgreSQL write to '\(table.display)' on \(location) failed: \(PostgresErrorText.describe(error))")
    }
}


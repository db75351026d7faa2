import SluiceCore

/// One write of a ``MySQLTarget``, on one pooled connection.
///
/// Each batch is cut into runs of consecutive rows that have the same fields (so a field a
/// record lacks is left to the column's default, or in upsert mode to its stored value),
/// and each run into multi-row `INSERT`s (prepared statements, reused while the shape
/// repeats) under the server's `max_allowed_packet` and the 65,535-placeholder limit.
/// Every statement runs inside a savepoint; when the server refuses it for a row-level
/// reason, the savepoint is rolled back and its rows are inserted one by one, each in its
/// own savepoint, so the good rows land and each refused row becomes a ``Rejection`` with
/// the server's message and the row's source position.
final class MySQLTargetWriter: RejectingTargetWriter {
    /// A row on its way in: its values for the statement's columns, and what to report if
    /// the server refuses it.
    struct PendingRow {
        var position: Int?
        var record: Value
        var values: [MySQLBind]
        var size: Int { values.reduce(2 * values.count) { $0 + $1.wireSize } }
    }

    let pool: ConnectionPool<MySQLConnection>
    let connection: MySQLConnection
    let settings: DatabaseWriteSettings
    let schema: SchemaSpec?
    let location: String
    /// Whether one transaction holds the whole job (replace mode, atomic writes).
    let jobTransaction: Bool
    /// The largest statement sent, leaving room under the server's `max_allowed_packet`.
    let maxStatementBytes: Int
    /// The table's columns; `nil` until a missing table is created.
    var columns: [String]?
    var inTransaction = false
    private var finished = false
    private var statements: [String: MySQLPreparedStatement] = [:]
    private var statementOrder: [String] = []

    init(
        pool: ConnectionPool<MySQLConnection>, connection: MySQLConnection, settings: DatabaseWriteSettings, schema: SchemaSpec?,
        existingColumns: [String]?, jobTransaction: Bool, maxAllowedPacket: Int, location: String
    ) {
        self.pool = pool
        self.connection = connection
        self.settings = settings
        self.schema = schema
        self.columns = existingColumns
        self.jobTransaction = jobTransaction
        self.maxStatementBytes = max(64 * 1024, min(maxAllowedPacket, 64 << 20) - 64 * 1024)
        self.location = location
    }

    deinit {
        guard !finished else { return }
        // Closing the connection rolls back whatever is not committed.
        let pool = pool
        let connection = connection
        Task { await pool.release(connection, broken: true) }
    }

    /// Opens the job's transaction when the table exists; replace mode then empties it.
    func start() async throws {
        guard jobTransaction, columns != nil else { return }
        try await beginJobTransaction()
    }

    private func beginJobTransaction() async throws {
        try await run("BEGIN")
        inTransaction = true
        if settings.mode == .replace { try await run(MySQLStatements.deleteAll(table: settings.table)) }
    }

    func write(_ batch: RecordBatch) async throws -> Int {
        try await writeReportingRejections(batch).bytes
    }

    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        guard !finished else { throw ConnectorError.io("MySQL write to \(location) is already finished") }
        guard !batch.isEmpty else { return (0, []) }
        if columns == nil {
            // DDL commits at once in MySQL, so the table is made before any transaction opens.
            try await createTable(for: settings.mode == .apply ? MySQLChangeEvents.afterImages(batch) : batch)
        }
        if jobTransaction {
            if !inTransaction { try await beginJobTransaction() }
            return try await writeRows(batch)
        }
        try await run("BEGIN")
        inTransaction = true
        do {
            let result = try await writeRows(batch)
            try await run("COMMIT")
            inTransaction = false
            return result
        } catch {
            // If the rollback fails too, the transaction stays marked open and finish()
            // closes the connection instead of pooling it.
            if connection.isUsable, (try? await connection.execute("ROLLBACK")) != nil { inTransaction = false }
            throw error
        }
    }

    func commit() async throws {
        guard !finished else { return }
        do {
            if columns == nil, schema != nil, settings.mode != .apply, !inTransaction {
                // No records came, but the schema says what the table looks like.
                try await createTable(for: nil)
            }
            if inTransaction {
                try await run("COMMIT")
                inTransaction = false
            }
        } catch {
            await abort()
            throw error
        }
        await finish()
    }

    func abort() async {
        guard !finished else { return }
        if inTransaction, connection.isUsable, (try? await connection.execute("ROLLBACK")) != nil {
            inTransaction = false
        }
        // A transaction still open here makes finish() close the connection, which rolls it back.
        await finish()
    }

    /// Frees the prepared statements and gives the connection back (closed if it broke or
    /// a transaction could not be ended).
    private func finish() async {
        finished = true
        for statement in statements.values where connection.isUsable { try? await connection.close(statement) }
        statements.removeAll()
        await pool.release(connection, broken: inTransaction || !connection.isUsable)
    }

    // MARK: - Rows

    /// Writes every row of `batch` inside the open transaction.
    private func writeRows(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        if settings.mode == .apply { return try await MySQLChangeEvents.apply(batch, writer: self) }
        try checkFields(batch.usedFieldIndexes.map { batch.fields[$0] })
        var bytes = 0
        var rejected: [Rejection] = []
        for run in batch.fieldRuns {
            let rows = run.rows.map { row in
                PendingRow(
                    position: batch.positions[row], record: .object(batch.record(at: row)),
                    values: run.fields.map { MySQLValueMapping.bind(batch.value(row: row, column: $0)) })
            }
            let outcome = try await insert(rows, fields: run.fields.map { batch.fields[$0] }, upsert: settings.mode == .upsert)
            bytes += outcome.bytes
            rejected += outcome.rejected
        }
        return (bytes, rejected)
    }


    /// Inserts (or upserts) rows that share `fields`, in statements under the size limits.
    func insert(_ rows: [PendingRow], fields: [String], upsert: Bool) async throws -> (bytes: Int, rejected: [Rejection]) {
        let perStatement = max(1, MySQLStatements.maxPlaceholders / max(1, fields.count))
        var bytes = 0
        var rejected: [Rejection] = []
        var chunk: [PendingRow] = []
        var chunkBytes = 0
        for row in rows {
            let size = row.size
            if !chunk.isEmpty, chunk.count >= perStatement || chunkBytes + size > maxStatementBytes {
                let outcome = try await insertChunk(chunk, fields: fields, upsert: upsert)
                bytes += outcome.bytes
                rejected += outcome.rejected
                chunk.removeAll(keepingCapacity: true)
                chunkBytes = 0
            }
            chunk.append(row)
            chunkBytes += size
        }
        if !chunk.isEmpty {
            let outcome = try await insertChunk(chunk, fields: fields, upsert: upsert)
            bytes += outcome.bytes
            rejected += outcome.rejected
        }
        return (bytes, rejected)
    }

    /// One multi-row statement; if the server refuses it for a row's sake, row by row.
    private func insertChunk(_ rows: [PendingRow], fields: [String], upsert: Bool) async throws -> (bytes: Int, rejected: [Rejection]) {
        let sql = MySQLStatements.insert(table: settings.table, columns: fields, rows: rows.count, upsert: upsert, keys: settings.keys)
        let failure: MySQLError
        do {
            try await inSavepoint("sluice_batch") { try await self.executePrepared(sql, rows.flatMap(\.values)) }
            return (rows.reduce(0) { $0 + $1.size }, [])
        } catch let error as MySQLError where MySQLStatements.isRowError(error) {
            failure = error
        }
        if rows.count == 1, let row = rows.first { return (0, [reject(row, error: failure)]) }
        let single = MySQLStatements.insert(table: settings.table, columns: fields, rows: 1, upsert: upsert, keys: settings.keys)
        var written = 0
        var rejected: [Rejection] = []
        for row in rows {
            do {
                try await inSavepoint("sluice_row") { try await self.executePrepared(single, row.values) }
                written += row.size
            } catch let error as MySQLError where MySQLStatements.isRowError(error) {
                rejected.append(reject(row, error: error))
            }
        }
        return (written, rejected)
    }

    /// Runs `body` inside `SAVEPOINT name`; on a row-level error rolls back to it and
    /// rethrows the server's error; other errors become job-level errors.
    func inSavepoint(_ name: String, _ body: () async throws -> Void) async throws {
        try await run("SAVEPOINT \(name)")
        do {
            try await body()
        } catch let error as MySQLError where MySQLStatements.isRowError(error) {
            try await run("ROLLBACK TO SAVEPOINT \(name)")
            throw error
        } catch {
            throw failed(error)
        }
        try await run("RELEASE SAVEPOINT \(name)")
    }

    func reject(_ row: PendingRow, error: MySQLError) -> Rejection {
        Rejection(record: row.record, reasons: [error.serverError?.message ?? error.description], position: row.position, stage: "target")
    }

    /// Executes `sql` as a prepared statement, reusing one prepared before.
    func executePrepared(_ sql: String, _ binds: [MySQLBind]) async throws(MySQLError) {
        let statement: MySQLPreparedStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            if statementOrder.count >= 8 {
                let oldest = statementOrder.removeFirst()
                if let old = statements.removeValue(forKey: oldest) { try await connection.close(old) }
            }
            statement = try await connection.prepare(sql)
            statements[sql] = statement
            statementOrder.append(sql)
        }
        try await connection.execute(statement, binds)
    }

    /// Runs a statement, turning errors into job-level connector errors.
    func run(_ sql: String) async throws {
        do {
            try await connection.execute(sql)
        } catch {
            throw failed(error)
        }
    }

    /// A job-level error for a failed statement.
    func failed(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.remote("MySQL write to \(location) failed: \(error)")
    }
}

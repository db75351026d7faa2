import SluiceCore
import SluiceMySQLWire

/// How a ``TableWriter`` writes to a MySQL or MariaDB table (see ``MySQLTarget``), on one
/// pooled connection.
///
/// Each run of rows with the same fields is cut into multi-row `INSERT`s (prepared
/// statements, reused while the shape repeats) under the server's `max_allowed_packet` and
/// the 65,535-placeholder limit. Every statement runs inside a savepoint; when the server
/// refuses it for a row-level reason, its rows are inserted one by one, so each refused row
/// becomes a ``Rejection`` with the server's message. Names match without regard to case;
/// DDL commits at once, so a missing table is created before any transaction opens.
final class MySQLTableDialect: TableDialect {
    /// A row on its way in: its values for the statement's columns, and what to report if
    /// the server refuses it.
    struct PendingRow {
        var position: Int?
        var record: Value
        var values: [MySQLBind]
        var size: Int { values.reduce(2 * values.count) { $0 + $1.wireSize } }
    }

    private let pool: ConnectionPool<MySQLConnection>
    private let connection: MySQLConnection
    let settings: DatabaseWriteSettings
    private let location: String
    /// The largest statement sent, leaving room under the server's `max_allowed_packet`.
    private let maxStatementBytes: Int
    private var statements: [String: MySQLPreparedStatement] = [:]
    private var statementOrder: [String] = []

    init(
        pool: ConnectionPool<MySQLConnection>, connection: MySQLConnection, settings: DatabaseWriteSettings, maxAllowedPacket: Int,
        location: String
    ) {
        self.pool = pool
        self.connection = connection
        self.settings = settings
        self.maxStatementBytes = max(64 * 1024, min(maxAllowedPacket, 64 << 20) - 64 * 1024)
        self.location = location
    }

    var tableDescription: String { "table '\(settings.table)' of \(location)" }
    var caseInsensitiveNames: Bool { true }
    var transactionalDDL: Bool { false }
    var writeAfterFinish: (any Error)? { ConnectorError.io("MySQL write to \(location) is already finished") }

    func columnNames(of columns: [String]) -> [String] { columns }

    func run(_ sql: String) async throws {
        do {
            try await connection.execute(sql)
        } catch {
            throw failed(error)
        }
    }

    func rollBack() async -> Bool {
        let connection = connection
        return await AbortCleanup.run {
            guard connection.isUsable else { return false }
            return (try? await connection.execute("ROLLBACK")) != nil
        } giveUp: {
            await connection.abandon()
        }
    }

    /// Drops the table under `LOCK TABLES … WRITE` when it has no rows: the lock waits for
    /// other sessions writing to it (another job that found the table and is loading it), so
    /// rows they commit keep it. Without the LOCK TABLES privilege the table is left, empty.
    func dropCreatedTableIfEmpty() async -> Bool {
        let connection = connection
        let table = MySQLStatements.name(settings.table)
        return await AbortCleanup.run {
            guard connection.isUsable else { return false }
            do {
                try await connection.execute("LOCK TABLES \(table) WRITE")
            } catch {
                return connection.isUsable
            }
            do {
                if try await connection.query("SELECT 1 FROM \(table) LIMIT 1").rows.isEmpty {
                    try await connection.execute("DROP TABLE \(table)")
                }
            } catch {
                // Unlocked below all the same; the table stays.
            }
            return (try? await connection.execute("UNLOCK TABLES")) != nil
        } giveUp: {
            await connection.abandon()
        }
    }

    /// `ROLLBACK TO SAVEPOINT` (the savepoint stays; the next one of that name replaces it).
    func rollBack(toSavepoint name: String) async throws {
        try await run("ROLLBACK TO SAVEPOINT \(name)")
    }

    /// `DELETE FROM` the table (not TRUNCATE, which would commit the job's transaction).
    func emptyTable() async throws {
        try await run(MySQLStatements.deleteAll(table: settings.table))
    }

    /// `CREATE TABLE` (see ``MySQLValueMapping/columnType(_:key:)``) with the keys as primary
    /// key; InnoDB, utf8mb4.
    func createTable(_ columns: [TableColumnDefinition]) async throws -> [String] {
        try await run(MySQLStatements.createTable(settings.table, columns: columns, keys: settings.keys))
        return columns.map(\.name)
    }

    /// In apply mode a missing table is typed from the events' `after` objects.
    func tableSamples(_ batch: RecordBatch) -> RecordBatch {
        settings.mode == .apply ? MySQLChangeEvents.afterImages(batch) : batch
    }

    func writeRun(_ batch: RecordBatch, rows: Range<Int>, fields: [Int], into columns: [String]) async throws -> TableWriteOutcome {
        let pending = rows.map { row in
            PendingRow(
                position: batch.positions[row], record: .object(batch.record(at: row)),
                values: fields.map { MySQLValueMapping.bind(batch.value(row: row, column: $0)) })
        }
        return try await insert(pending, fields: fields.map { batch.fields[$0] }, upsert: settings.mode == .upsert)
    }

    func applyEvents(_ batch: RecordBatch, writer: TableWriter<MySQLTableDialect>) async throws -> TableWriteOutcome {
        try await MySQLChangeEvents.apply(batch, dialect: self, writer: writer)
    }

    /// Inserts (or upserts) rows that share `fields`, in statements under the size limits.
    func insert(_ rows: [PendingRow], fields: [String], upsert: Bool) async throws -> TableWriteOutcome {
        let perStatement = max(1, MySQLStatements.maxPlaceholders / max(1, fields.count))
        var outcome = TableWriteOutcome()
        var chunk: [PendingRow] = []
        var chunkBytes = 0
        for row in rows {
            let size = row.size
            if !chunk.isEmpty, chunk.count >= perStatement || chunkBytes + size > maxStatementBytes {
                outcome += try await insertChunk(chunk, fields: fields, upsert: upsert)
                chunk.removeAll(keepingCapacity: true)
                chunkBytes = 0
            }
            chunk.append(row)
            chunkBytes += size
        }
        if !chunk.isEmpty { outcome += try await insertChunk(chunk, fields: fields, upsert: upsert) }
        return outcome
    }

    /// One multi-row statement; if the server refuses it for a row's sake, row by row.
    private func insertChunk(_ rows: [PendingRow], fields: [String], upsert: Bool) async throws -> TableWriteOutcome {
        let sql = MySQLStatements.insert(table: settings.table, columns: fields, rows: rows.count, upsert: upsert, keys: settings.keys)
        let single = MySQLStatements.insert(table: settings.table, columns: fields, rows: 1, upsert: upsert, keys: settings.keys)
        return try await writeRows(
            rows,
            bulk: {
                try await self.executePrepared(sql, rows.flatMap(\.values))
                return rows.reduce(0) { $0 + $1.size }
            },
            single: { row in
                try await self.executePrepared(single, row.values)
                return row.size
            },
            reject: reject)
    }

    /// The rejection of `row` with the server's message.
    func reject(_ row: PendingRow, error: any Error) -> Rejection {
        rejection(of: row.record, at: row.position, for: error)
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

    func isRowError(_ error: any Error) -> Bool {
        (error as? MySQLError).map(MySQLStatements.isRowError) ?? false
    }

    func reason(for error: any Error) -> String {
        guard let error = error as? MySQLError else { return "\(error)" }
        return error.serverError?.message ?? error.description
    }

    func failed(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.remote("MySQL write to \(location) failed: \(error)")
    }

    /// Frees the prepared statements and gives the connection back (closed if it broke or
    /// a transaction could not be ended).
    func close(inTransaction: Bool) async {
        for statement in statements.values where connection.isUsable { try? await connection.close(statement) }
        statements.removeAll()
        await pool.release(connection, broken: inTransaction || !connection.isUsable)
    }

    func abandon() {
        let pool = pool
        let connection = connection
        Task { await pool.release(connection, broken: true) }
    }
}

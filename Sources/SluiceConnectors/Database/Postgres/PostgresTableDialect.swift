import Logging
import NIOCore
import PostgresNIO
import SluiceCore

/// How a ``TableWriter`` writes to a PostgreSQL table (see ``PostgresTarget``), on one
/// leased connection.
///
/// Each run of rows with the same fields is written inside a savepoint with one COPY (insert
/// and replace) or one COPY into a stage table plus one `INSERT … SELECT … ON CONFLICT`
/// (upsert). The COPY is binary when every column's type has a binary form the target writes
/// and every value of the run one that stores what its text would
/// (``PostgresBinaryCopyEncoder``), text otherwise (``PostgresCopyEncoder``). When the server
/// refuses the run for a row-level reason
/// (``PostgresStatements/isRowError(_:)``), the savepoint is rolled back and the run's rows
/// are inserted one by one with bound parameters, so each refused row becomes a ``Rejection``
/// with the server's message. Names match exactly; DDL is transactional.
final class PostgresTableDialect: TableDialect {
    private let pool: ConnectionPool<PostgresPooledConnection>
    private let pooled: PostgresPooledConnection
    var connection: PostgresConnection { pooled.connection }
    let settings: DatabaseWriteSettings
    let table: PostgresRelationName
    private let location: String
    let logger: Logger
    /// Stage tables made in the open transaction, by their column list.
    private var stages: [[String]: PostgresRelationName] = [:]
    /// `SAVEPOINT` and `RELEASE SAVEPOINT` statements handed to PostgresNIO without waiting for
    /// them (see ``run(_:)``).
    private var queued: [EventLoopFuture<PostgresQueryResult>] = []
    private let stagePrefix = "sluice_stage_\(UInt32.random(in: 0...UInt32.max))_"

    init(
        pool: ConnectionPool<PostgresPooledConnection>, pooled: PostgresPooledConnection, settings: DatabaseWriteSettings,
        table: PostgresRelationName, location: String, logger: Logger
    ) {
        self.pool = pool
        self.pooled = pooled
        self.settings = settings
        self.table = table
        self.location = location
        self.logger = logger
    }

    var tableDescription: String { "table '\(table.display)' on \(location)" }
    var caseInsensitiveNames: Bool { false }
    var transactionalDDL: Bool { true }
    var writeAfterFinish: (any Error)? { ConnectorError.io("write to \(location) after commit or abort") }

    func columnNames(of columns: PostgresTableInfo) -> [String] { columns.names }

    /// Runs `sql`. `SAVEPOINT` and `RELEASE SAVEPOINT` are only queued: PostgresNIO runs a
    /// connection's statements one after the other in the order they were handed to it, so the
    /// COPY that follows a savepoint starts on the server right after it without this task
    /// waiting in between (two fewer waits per batch); their outcome is checked by the next
    /// statement (``afterQueued(_:)``), and any other statement waits for them first.
    func run(_ sql: String) async throws {
        if sql.hasPrefix("SAVEPOINT ") || sql.hasPrefix("RELEASE SAVEPOINT ") {
            queued.append(connection.query(PostgresQuery(unsafeSQL: sql), logger: logger))
            return
        }
        try await afterQueued {}
        do {
            try await connection.run(sql, logger: logger)
        } catch {
            throw failed(error)
        }
    }

    /// Runs `body` (statements, which the server runs after the queued ones), then checks the
    /// queued statements: when one failed, its error is thrown (a job-level error: the body
    /// then failed or was skipped for that reason); else `body`'s result or error as it is.
    func afterQueued<T>(_ body: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        let pending = queued
        queued.removeAll()
        for statement in pending {
            do {
                _ = try await statement.get()
            } catch {
                throw failed(error)
            }
        }
        return try result.get()
    }

    func rollBack() async -> Bool {
        // The queued statements run before the rollback, whatever they come to.
        queued.removeAll()
        let pooled = pooled
        let logger = logger
        return await AbortCleanup.run {
            // A closed connection took its transaction with it.
            guard pooled.isUsable else { return true }
            return (try? await pooled.connection.run("ROLLBACK", logger: logger)) != nil
        } giveUp: {
            await pooled.close()
        }
    }

    func emptyTable() async throws {
        try await run("TRUNCATE \(table.quoted)")
    }

    /// `CREATE TABLE` (see ``PostgresStatements/columnType(_:)``) with the keys as primary key.
    func createTable(_ columns: [TableColumnDefinition]) async throws -> PostgresTableInfo {
        try await run(PostgresStatements.createTable(table, columns: columns, keys: settings.keys))
        return PostgresTableInfo(
            kind: "r", columns: columns.map { .init(name: $0.name, isArray: false, binaryType: PostgresColumnType(created: $0.kind)) },
            uniqueKeys: settings.keys.isEmpty ? [] : [Set(settings.keys)])
    }

    func writeRun(_ batch: RecordBatch, rows: Range<Int>, fields: [Int], into columns: PostgresTableInfo) async throws -> TableWriteOutcome {
        try await writeRun(batch, rows: rows, fields: fields, upsert: settings.mode == .upsert, into: columns) { row in
            (.object(batch.record(at: row)), batch.positions[row])
        }
    }

    /// Writes `rows` of `batch` (which all have exactly `fields`) with one COPY, or when the
    /// server refuses that for a row's sake, row by row. `original` gives the record and
    /// position a rejection reports for a row.
    func writeRun(
        _ batch: RecordBatch, rows: Range<Int>, fields: [Int], upsert: Bool, into info: PostgresTableInfo,
        original: (Int) -> (record: Value, position: Int)
    ) async throws -> TableWriteOutcome {
        let names = fields.map { batch.fields[$0] }
        let arrays = names.map { info.isArray($0) }
        var bulk: (() async throws -> Int)?
        // A run without its keys, or without any field, goes row by row: the server says what is wrong.
        if !names.isEmpty, !upsert || Set(names).isSuperset(of: settings.keys) {
            let stage = upsert ? try await stageTable(for: names) : nil
            // Binary when every column has a binary type and every value an exact binary form.
            let binary = info.binaryTypes(names).map { PostgresBinaryCopyEncoder(fields: fields, types: $0, withOrdinal: upsert) }
                .flatMap { $0.accepts(batch, rows: rows) ? $0 : nil }
            let encoder = PostgresCopyEncoder(fields: fields, arrayColumns: arrays, withOrdinal: upsert)
            bulk = {
                try await self.afterQueued {
                    let relation = stage ?? self.table
                    let columns = stage == nil ? names : [PostgresStatements.ordinalColumn] + names
                    let bytes: Int
                    if let binary {
                        bytes = try await self.connection.copyBinary(
                            into: relation, columns: columns, batch: batch, rows: rows, encoder: binary, logger: self.logger)
                    } else {
                        bytes = try await self.copy(batch, rows: rows, with: encoder, into: relation, columns: columns)
                    }
                    guard let stage else { return bytes }
                    try await self.connection.run(
                        PostgresStatements.upsertFromStage(stage, into: self.table, columns: names, keys: self.settings.keys), logger: self.logger)
                    return bytes
                }
            }
        }
        let sql = PostgresStatements.insertRow(table, columns: names, upsertKeys: upsert ? settings.keys : nil)
        return try await writeRows(
            Array(rows), bulk: bulk, retryingLoneRow: true,
            single: { row in
                var binds = PostgresBindings(capacity: fields.count)
                var size = 0
                for (index, field) in fields.enumerated() {
                    size += binds.appendText(batch.value(row: row, column: field), arrayColumn: arrays[index])
                }
                try await self.afterQueued { try await self.connection.run(sql, binds: binds, logger: self.logger) }
                return size
            },
            reject: { row, error in
                let (record, position) = original(row)
                return self.rejection(of: record, at: position, for: error)
            })
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
            for start in stride(from: rows.lowerBound, to: rows.upperBound, by: Self.rowsPerMessage) {
                let data = encoder.encode(batch, rows: start..<min(rows.upperBound, start + Self.rowsPerMessage))
                bytes += data.readableBytes
                try await writer.write(data)
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

    func transactionEnded() {
        stages.removeAll()
    }

    func isRowError(_ error: any Error) -> Bool { PostgresStatements.isRowError(error) }

    func reason(for error: any Error) -> String { PostgresErrorText.describe(error) }

    func failed(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.io("PostgreSQL write to '\(table.display)' on \(location) failed: \(PostgresErrorText.describe(error))")
    }

    func close(inTransaction: Bool) async {
        await pool.release(pooled, broken: inTransaction || !pooled.isUsable)
    }

    func abandon() {
        let pool = pool
        let pooled = pooled
        Task { await pool.release(pooled, broken: true) }
    }
}

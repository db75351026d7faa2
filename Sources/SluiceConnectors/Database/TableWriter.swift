import SluiceCore

/// One write of a database target: the life every database table write shares, with the
/// SQL and connection calls of one database (its ``TableDialect``).
///
/// - With one transaction for the whole job (`jobTransaction`: commit `job`, the default;
///   replace mode; ``ComponentContext/atomicWrites``) every batch is written into it and
///   nothing is visible until ``commit()``; ``abort()`` rolls it all back, so a failed or
///   cancelled job leaves the table as it was; replace empties the table first inside it.
///   A killed process leaves its transaction to the database, which rolls it back.
/// - Otherwise (commit `batch`) each batch is committed in its own transaction: once `write`
///   returns, that batch is in the table, and ``abort()`` only rolls back the batch in flight.
/// - A missing table is created from the job's schema and the first batch (or, when no
///   records come, from the schema at commit). Where DDL is transactional, a table created
///   in the transaction is gone again when the transaction is rolled back. Where it commits
///   at once (MySQL), the table is created before the transaction opens, and ``abort()`` of
///   a job-wide transaction drops it again while it is empty (see
///   ``TableDialect/dropCreatedTableIfEmpty()``); a killed process cannot, and leaves it empty.
/// - ``abort()`` always gives the connection back: reused when the rollback (and drop)
///   succeeded, closed otherwise (which ends the transaction on the server too).
/// - Each batch is cut into runs of consecutive rows that have the same fields (a field a
///   record lacks is left to the column's default, or in upsert mode to its stored value),
///   which the dialect writes; rows the database refuses come back as rejections with its
///   message, the rest of the batch is written.
final class TableWriter<Dialect: TableDialect>: RejectingTargetWriter {
    /// The database's SQL and connection calls.
    let dialect: Dialect
    private let schema: SchemaSpec?
    /// The types the source declares for fields reaching the target unchanged.
    private var declaredBySource: [FieldSchema] = []
    /// Whether one transaction holds the whole job (commit `job`, replace mode, atomic writes).
    private let jobTransaction: Bool
    /// What is known of the table; `nil` until a missing table is created.
    private(set) var columns: Dialect.Columns?
    /// Whether this write created the table with DDL that committed at once, which an abort
    /// of the job's transaction must undo.
    private var createdOutsideTransaction = false
    private var inTransaction = false
    private var finished = false

    private init(dialect: Dialect, columns: Dialect.Columns?, schema: SchemaSpec?, jobTransaction: Bool) {
        self.dialect = dialect
        self.columns = columns
        self.schema = schema
        self.jobTransaction = jobTransaction
    }

    deinit {
        if !finished { dialect.abandon() }
    }

    /// Starts a write to a table that has `columns` (`nil`: missing, to be created). With
    /// `jobTransaction` the job's transaction opens now (where DDL commits at once, only
    /// once the table exists); replace mode empties the table in it. When that fails the
    /// write is aborted.
    static func open(_ dialect: Dialect, columns: Dialect.Columns?, schema: SchemaSpec?, jobTransaction: Bool) async throws -> TableWriter {
        let writer = TableWriter(dialect: dialect, columns: columns, schema: schema, jobTransaction: jobTransaction)
        do {
            if jobTransaction, dialect.transactionalDDL || columns != nil { try await writer.beginJobTransaction() }
        } catch {
            await writer.abort()
            throw error
        }
        return writer
    }

    /// The write settings.
    var settings: DatabaseWriteSettings { dialect.settings }

    func write(_ batch: RecordBatch) async throws -> Int {
        try await writeReportingRejections(batch).bytes
    }

    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        if finished, let error = dialect.writeAfterFinish { throw error }
        guard !batch.isEmpty else { return (0, []) }
        if !dialect.transactionalDDL, columns == nil {
            // DDL commits at once, so the table is made before any transaction opens.
            try await table(samples: dialect.tableSamples(batch))
        }
        if jobTransaction {
            if !inTransaction { try await beginJobTransaction() }
            let outcome = try await writeRows(batch)
            return (outcome.bytes, outcome.rejected)
        }
        let columnsBefore = columns
        try await begin()
        do {
            let outcome = try await writeRows(batch)
            try await dialect.run("COMMIT")
            inTransaction = false
            dialect.transactionEnded()
            return (outcome.bytes, outcome.rejected)
        } catch {
            if await dialect.rollBack() { inTransaction = false }
            dialect.transactionEnded()
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
                if dialect.transactionalDDL, !inTransaction { try await begin() }
                try await table(samples: nil)
            }
            if inTransaction {
                try await dialect.run("COMMIT")
                inTransaction = false
            }
        } catch {
            await abort()
            throw error
        }
        finished = true
        await dialect.close(inTransaction: false)
    }

    func abort() async {
        guard !finished else { return }
        finished = true
        if inTransaction, await dialect.rollBack() { inTransaction = false }
        var reusable = !inTransaction
        if jobTransaction, createdOutsideTransaction, reusable {
            reusable = await dialect.dropCreatedTableIfEmpty()
        }
        await dialect.close(inTransaction: !reusable)
    }

    // MARK: - Transactions

    private func begin() async throws {
        try await dialect.run(dialect.beginStatement)
        inTransaction = true
    }

    /// Opens the job's transaction; replace mode empties the table in it.
    private func beginJobTransaction() async throws {
        try await begin()
        if settings.mode == .replace, columns != nil { try await dialect.emptyTable() }
    }

    // MARK: - Rows

    /// Writes every row of `batch` inside the open transaction.
    private func writeRows(_ batch: RecordBatch) async throws -> TableWriteOutcome {
        if settings.mode == .apply { return try await dialect.applyEvents(batch, writer: self) }
        let columns = try await table(samples: batch)
        try checkFields(of: batch)
        var outcome = TableWriteOutcome()
        for run in batch.fieldRuns {
            outcome += try await dialect.writeRun(batch, rows: run.rows, fields: run.fields, into: columns)
        }
        return outcome
    }

    // MARK: - Table

    /// A column name as the database compares it.
    private func key(_ name: String) -> String {
        dialect.caseInsensitiveNames ? name.lowercased() : name
    }

    /// Fails when the records of `batch` have fields the table has no column for.
    func checkFields(of batch: RecordBatch) throws {
        try checkFields(batch.usedFieldIndexes.map { batch.fields[$0] })
    }

    /// Fails when `used` names fields the table has no column for.
    func checkFields(_ used: [String]) throws {
        let have = Set((columns.map(dialect.columnNames) ?? []).map(key))
        var seen = Set<String>()
        let missing = used.filter { !have.contains(key($0)) && seen.insert($0).inserted }
        guard missing.isEmpty else {
            throw ConnectorError.io(
                "\(dialect.tableDescription) has no column for the field"
                    + "\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")); "
                    + "add the column (ALTER TABLE … ADD COLUMN) or drop the field")
        }
    }

    func declare(_ schema: [FieldSchema]) { declaredBySource = schema }

    /// The table, created first when it is missing: the schema's fields first (a number
    /// field becomes an integer column when the samples hold only ints there, else a real
    /// one), then the samples' other fields typed as the source declares them (a Parquet
    /// `decimal(12,2)` → `numeric(12,2)`) or else from their values; keyed on the keys.
    @discardableResult
    func table(samples batch: RecordBatch?) async throws -> Dialect.Columns {
        if let columns { return columns }
        var definitions: [TableColumnDefinition] = []
        func samples(_ name: String) -> [Value] {
            guard let batch, let index = batch.index(of: name) else { return [] }
            return (0..<batch.count).map { batch.value(row: $0, column: index) }
        }
        for field in schema?.fields ?? [] {
            definitions.append((field.name, DatabaseColumnKind.forField(field.type, samples: samples(field.name))))
        }
        let inSchema = Set(definitions.map { key($0.name) })
        for name in batch?.fields ?? [] where !inSchema.contains(key(name)) {
            let sourceType = declaredBySource.first { $0.name == name }?.type
            definitions.append((name, sourceType.map(DatabaseColumnKind.declared) ?? DatabaseColumnKind.infer(from: samples(name))))
        }
        guard !definitions.isEmpty else {
            throw ConnectorError.io("cannot create table '\(settings.table)': the records have no fields")
        }
        let have = Set(definitions.map { key($0.name) })
        let missingKeys = settings.keys.filter { !have.contains(key($0)) }
        guard missingKeys.isEmpty else {
            throw ConnectorError.io(
                "cannot create table '\(settings.table)': key \(missingKeys.map { "'\($0)'" }.joined(separator: ", ")) is not a field of the records")
        }
        let created = try await dialect.createTable(definitions)
        columns = created
        if !dialect.transactionalDDL { createdOutsideTransaction = true }
        return created
    }
}

import SluiceCore

/// A column a ``TableWriter`` creates: its name and the kind of values it holds.
typealias TableColumnDefinition = (name: String, kind: DatabaseColumnKind)

/// The database side of a ``TableWriter``: one database's SQL and connection calls.
///
/// The writer drives the life every database target shares (transactions per job or per
/// batch, creating a missing table, checking the fields, replace mode's swap, commit and
/// abort); a dialect says how each step is done on its database and writes the rows, using
/// ``writeRows(_:bulk:retryingLoneRow:single:reject:)`` so that rows the database refuses
/// come back as rejections while the others land.
protocol TableDialect: AnyObject {
    /// What the writer knows of the table once it exists (at least its column names).
    associatedtype Columns

    /// The write settings.
    var settings: DatabaseWriteSettings { get }
    /// The table and where it is, for messages: `table 'orders' in /data/shop.db`.
    var tableDescription: String { get }
    /// Whether column names match without regard to case (SQLite, MySQL) or exactly.
    var caseInsensitiveNames: Bool { get }
    /// Whether creating a table is part of the open transaction (and rolled back with it);
    /// `false` where DDL commits at once (MySQL): the table is then made before any
    /// transaction opens.
    var transactionalDDL: Bool { get }
    /// The statement that opens a transaction (default `BEGIN`).
    var beginStatement: String { get }
    /// The error a write after commit or abort fails with; `nil` (the default): none.
    var writeAfterFinish: (any Error)? { get }

    /// The column names of `columns`.
    func columnNames(of columns: Columns) -> [String]
    /// Runs one statement; errors are job-level (see ``failed(_:)``).
    func run(_ sql: String) async throws
    /// Rolls the open transaction back; `true` when it is over (rolled back, or gone with
    /// the connection), `false` when the connection must not be reused. It must end even
    /// when the job's task is cancelled or the server stops answering (see ``AbortCleanup``).
    func rollBack() async -> Bool
    /// Undoes savepoint `name` (default: `ROLLBACK TO SAVEPOINT` and `RELEASE SAVEPOINT`).
    func rollBack(toSavepoint name: String) async throws
    /// Deletes every row of the table inside the open transaction (replace mode).
    func emptyTable() async throws
    /// Creates the table with `columns`, keyed on the settings' keys.
    func createTable(_ columns: [TableColumnDefinition]) async throws -> Columns
    /// Drops the table this write created, after its job's transaction was rolled back, unless
    /// rows are in it (another job's, committed meanwhile); only called where DDL commits at
    /// once. Returns whether the connection is fit for reuse. Default: nothing to drop, `true`.
    func dropCreatedTableIfEmpty() async -> Bool
    /// The records a missing table is typed from when `batch` comes first, where DDL is not
    /// transactional (default: the batch itself).
    func tableSamples(_ batch: RecordBatch) -> RecordBatch
    /// Writes `rows` of `batch`, which all have exactly the fields `fields`, inside the open
    /// transaction.
    func writeRun(_ batch: RecordBatch, rows: Range<Int>, fields: [Int], into columns: Columns) async throws -> TableWriteOutcome
    /// Applies a batch of change events inside the open transaction (apply mode; the
    /// default fails: the database has no apply mode).
    func applyEvents(_ batch: RecordBatch, writer: TableWriter<Self>) async throws -> TableWriteOutcome
    /// Forgets what belonged to the transaction that just ended (default: nothing).
    func transactionEnded()
    /// Whether the database refused a row's values rather than the statement or the
    /// connection failing.
    func isRowError(_ error: any Error) -> Bool
    /// The database's message for a refused row.
    func reason(for error: any Error) -> String
    /// A job-level error for a failed statement.
    func failed(_ error: any Error) -> any Error
    /// Gives the connection back once the write is over; `inTransaction`: a transaction (or
    /// the clean-up after it) could not be ended, so the connection must be closed (which
    /// rolls it back).
    func close(inTransaction: Bool) async
    /// Closes the connection of a write dropped without commit or abort (closing rolls back
    /// whatever is not committed). Called from `deinit`, so it must not wait.
    func abandon()
}

extension TableDialect {
    var beginStatement: String { "BEGIN" }

    var writeAfterFinish: (any Error)? { nil }

    func rollBack(toSavepoint name: String) async throws {
        try await run("ROLLBACK TO SAVEPOINT \(name)")
        try await run("RELEASE SAVEPOINT \(name)")
    }

    func tableSamples(_ batch: RecordBatch) -> RecordBatch { batch }

    func dropCreatedTableIfEmpty() async -> Bool { true }

    func applyEvents(_ batch: RecordBatch, writer: TableWriter<Self>) async throws -> TableWriteOutcome {
        throw ConnectorError.io("\(tableDescription): this target has no apply mode")
    }

    func transactionEnded() {}
}

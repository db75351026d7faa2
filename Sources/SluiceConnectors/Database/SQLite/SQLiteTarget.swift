import SQLiteNIO
import SluiceCore

/// Writes records into a table of a SQLite database file (created if missing).
///
/// - By default (`commit: "job"`) every mode writes in one transaction for the whole job
///   (`BEGIN IMMEDIATE` when the write opens), committed by ``TargetWriter/commit()``;
///   ``TargetWriter/abort()`` rolls it back. A process killed mid-way leaves a hot journal
///   that SQLite rolls back the next time the file is opened: the table is as it was, and a
///   table the job created is gone. Other writers of the file wait for the job
///   (`busy_timeout`) meanwhile; readers too once the transaction's changes outgrow its
///   page cache (``jobCacheKiB``), so a job reading one table of a file into another of the
///   same file should commit by batch beyond that size.
/// - With `commit: "batch"`, `insert` and `upsert` commit each batch in its own
///   transaction: once `write` returns, that batch is in the table, and
///   ``TargetWriter/abort()`` only rolls back the batch in flight — earlier batches stay.
/// - `replace` deletes every row and loads the new ones in the job's one transaction
///   (`commit: "batch"` is refused with it): an abort or a failure leaves the old rows.
/// - In a job whose writes must land at once (``ComponentContext/atomicWrites``, set for
///   incremental jobs) every mode writes in that one job-wide transaction.
///
/// Rows the database refuses (UNIQUE, NOT NULL, CHECK, foreign key, STRICT datatype) come
/// back as rejections with SQLite's message; the rest of the batch is written (see
/// ``TableWriter`` and ``SQLiteTableDialect``).
public struct SQLiteTarget: Target {
    public static let type = "sqlite"

    /// `target.config` of a SQLite target.
    public struct Config: Decodable, Sendable {
        /// Path of the database file, inside the data roots; created when missing.
        public var path: String
        /// The table written to.
        public var table: String
        /// `insert` (default), `upsert` or `replace`.
        public var mode: DatabaseWriteMode?
        /// The columns identifying a row; required for upsert.
        public var keys: [String]?
        /// Whether a missing table is created (default true).
        public var createTable: Bool?
        /// `job` (default: one transaction for the whole job) or `batch`.
        public var commit: DatabaseCommitScope?
    }

    let path: String
    let configuredPath: String
    var settings: DatabaseWriteSettings
    let schema: SchemaSpec?
    let roots: DataRoots
    /// Whether every batch goes into one transaction for the whole job.
    let oneTransaction: Bool

    public init(config: Config, context: ComponentContext) throws {
        guard !config.path.isEmpty else { throw SpecError(path: "path", "must not be empty") }
        self.settings = try DatabaseWriteSettings(
            table: config.table, mode: config.mode, keys: config.keys, createTable: config.createTable, commit: config.commit)
        if settings.mode == .apply {
            throw SpecError(path: "mode", "apply (change events) is supported by the postgres and mysql targets; use insert, upsert or replace")
        }
        self.configuredPath = config.path
        self.path = try context.dataRoots.authorizeTarget(config.path)
        self.schema = context.schema
        self.roots = context.dataRoots
        self.oneTransaction = settings.oneTransaction(atomicWrites: context.atomicWrites)
    }

    /// The page cache of a job-wide transaction, in KiB (SQLite's default is 2 MiB). Until the
    /// changed pages outgrow it they stay in memory; past it SQLite spills them into the file,
    /// which takes the file's exclusive lock until the commit, and readers of the file — a
    /// source reading another table of it among them — then wait and fail
    /// ("database is locked").
    static let jobCacheKiB = 65_536

    /// The database file as messages name it: resolved, and as configured when that differs.
    var shownPath: String { DataRoots.describe(path, given: configuredPath) }

    public var location: String { "sqlite:\(path)#\(settings.table)" }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        let real = try roots.authorizeTarget(path)
        let connection = try await SQLiteDatabaseFile.openReadWrite(real, configured: configuredPath)
        let info: SQLiteTableInfo?
        do {
            info = try await SQLiteTableInfo.load(settings.table, on: connection)
            try await check(info, connection: connection)
            if oneTransaction { _ = try await connection.query("PRAGMA cache_size = -\(Self.jobCacheKiB)") }
        } catch {
            try? await connection.close()
            throw error
        }
        return try await TableWriter.open(
            SQLiteTableDialect(connection: connection, settings: settings, shownPath: shownPath), columns: info?.names,
            schema: schema, jobTransaction: oneTransaction)
    }

    /// Fails early when the table cannot take the writes.
    private func check(_ info: SQLiteTableInfo?, connection: SQLiteConnection) async throws {
        let table = settings.table
        guard let info else {
            guard settings.createTable else {
                throw ConnectorError.io("SQLite database \(shownPath) has no table '\(table)' and createTable is false")
            }
            return
        }
        guard info.kind == "table" else {
            throw ConnectorError.io("'\(table)' in \(shownPath) is a \(info.kind), not a table")
        }
        let missingKeys = info.missing(settings.keys)
        guard missingKeys.isEmpty else {
            throw ConnectorError.io("table '\(table)' has no key column \(missingKeys.map { "'\($0)'" }.joined(separator: ", "))")
        }
        if settings.mode == .upsert,
            try await !SQLiteTableInfo.hasUniqueIndex(on: settings.keys, table: table, connection: connection)
        {
            throw ConnectorError.io(
                "upsert into '\(table)' needs a UNIQUE index or PRIMARY KEY on exactly (\(settings.keys.joined(separator: ", "))); "
                    + "create one with CREATE UNIQUE INDEX … ON \(SQLIdentifier.quoted(table)) (\(SQLIdentifier.list(settings.keys)))")
        }
    }
}

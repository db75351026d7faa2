import SQLiteNIO
import SluiceCore

/// Writes records into a table of a SQLite database file (created if missing).
///
/// - `insert` and `upsert` commit each batch in its own transaction: once `write` returns,
///   that batch is in the table, and ``TargetWriter/abort()`` only rolls back the batch in
///   flight — earlier batches stay.
/// - `replace` deletes every row and loads the new ones in one transaction for the whole
///   job, committed by ``TargetWriter/commit()``: an abort or a failure leaves the old rows.
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
    }

    let path: String
    let configuredPath: String
    let settings: DatabaseWriteSettings
    let schema: SchemaSpec?
    let roots: DataRoots
    /// Whether every batch goes into one transaction for the whole job (incremental jobs).
    let atomic: Bool

    public init(config: Config, context: ComponentContext) throws {
        guard !config.path.isEmpty else { throw SpecError(path: "path", "must not be empty") }
        self.settings = try DatabaseWriteSettings(table: config.table, mode: config.mode, keys: config.keys, createTable: config.createTable)
        if settings.mode == .apply {
            throw SpecError(path: "mode", "apply (change events) is supported by the postgres and mysql targets; use insert, upsert or replace")
        }
        self.configuredPath = config.path
        self.path = try context.dataRoots.authorize(config.path)
        self.schema = context.schema
        self.roots = context.dataRoots
        self.atomic = context.atomicWrites
    }

    /// The database file as messages name it: resolved, and as configured when that differs.
    var shownPath: String { DataRoots.describe(path, given: configuredPath) }

    public var location: String { "sqlite:\(path)#\(settings.table)" }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        let real = try roots.authorize(path)
        let connection = try await SQLiteDatabaseFile.openReadWrite(real, configured: configuredPath)
        let info: SQLiteTableInfo?
        do {
            info = try await SQLiteTableInfo.load(settings.table, on: connection)
            try await check(info, connection: connection)
        } catch {
            try? await connection.close()
            throw error
        }
        return try await TableWriter.open(
            SQLiteTableDialect(connection: connection, settings: settings, shownPath: shownPath), columns: info?.names,
            schema: schema, jobTransaction: settings.mode == .replace || atomic)
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

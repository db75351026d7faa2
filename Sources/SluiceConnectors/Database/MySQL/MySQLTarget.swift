import SluiceCore
import SluiceMySQLWire

/// Writes records into a table of a MySQL or MariaDB database (created if missing).
///
/// - By default (`commit: "job"`) every mode writes in one transaction for the whole job,
///   committed by ``TargetWriter/commit()``; ``TargetWriter/abort()`` rolls it back and
///   gives the connection back to the pool (closed, when the rollback fails). A process
///   killed mid-way drops its connection, and the server rolls the transaction back.
/// - Creating a table is DDL, which MySQL commits at once, so a missing table is created
///   before the job's transaction opens, and ``TargetWriter/abort()`` drops it again when it
///   is still empty (rows another job committed meanwhile keep it). A process killed
///   mid-way (SIGKILL) cannot: it leaves that new table empty (its rows rolled back).
/// - With `commit: "batch"`, `insert`, `upsert` and `apply` commit each batch in its own
///   transaction (once `write` returns, that batch is in the table; ``TargetWriter/abort()``
///   rolls back only the batch in flight). A job that needs atomic writes
///   (``ComponentContext/atomicWrites``, incremental jobs) always has one transaction.
/// - `replace` deletes every row (`DELETE`, not `TRUNCATE`, which would commit) and loads
///   the new ones in the job's one transaction (`commit: "batch"` is refused with it): an
///   abort or a failure leaves the old rows.
/// - `upsert` is `INSERT … ON DUPLICATE KEY UPDATE c = VALUES(c)` for the columns the
///   records have; it needs a PRIMARY KEY or UNIQUE index on exactly `keys` (checked when
///   the write opens).
/// - `apply` applies change events (`op`, `key`, `before`, `after`) in order: insert and
///   update upsert `after`, delete deletes the row with `key`, truncate deletes every row.
///
/// Rows the server refuses (duplicate key, NULL in NOT NULL, CHECK, too long or out of
/// range in strict mode, foreign keys) come back as rejections with the server's message;
/// the rest of the batch is written (see ``TableWriter`` and ``MySQLTableDialect``). A
/// missing table is created (`createTable`, default true) from the job's schema and the
/// first batch: integer → BIGINT, real → DOUBLE, text → LONGTEXT (VARCHAR(255) for keys),
/// boolean → BOOLEAN, timestamp → DATETIME(6), array/object → JSON; PRIMARY KEY on `keys`;
/// InnoDB, utf8mb4.
public struct MySQLTarget: Target {
    public static let type = "mysql"

    /// `target.config` of a MySQL target: the connection (see ``MySQLConnectionOptions``,
    /// `database` required) plus the write settings.
    public struct Config: Decodable, Sendable {
        /// Server, credentials, TLS and pool settings.
        public var connection: MySQLConnectionOptions
        /// The table written to (in `database`).
        public var table: String
        /// `insert` (default), `upsert`, `replace` or `apply`.
        public var mode: DatabaseWriteMode?
        /// The columns identifying a row; required for upsert and apply.
        public var keys: [String]?
        /// Whether a missing table is created (default true).
        public var createTable: Bool?
        /// `job` (default: one transaction for the whole job) or `batch`.
        public var commit: DatabaseCommitScope?

        /// A configuration built in code (specs are decoded with `init(from:)`).
        public init(
            connection: MySQLConnectionOptions, table: String, mode: DatabaseWriteMode? = nil, keys: [String]? = nil,
            createTable: Bool? = nil, commit: DatabaseCommitScope? = nil
        ) {
            self.connection = connection
            self.table = table
            self.mode = mode
            self.keys = keys
            self.createTable = createTable
            self.commit = commit
        }

        public init(from decoder: any Decoder) throws {
            connection = try MySQLConnectionOptions(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            table = try container.decode(String.self, forKey: .table)
            mode = try container.decodeIfPresent(DatabaseWriteMode.self, forKey: .mode)
            keys = try container.decodeIfPresent([String].self, forKey: .keys)
            createTable = try container.decodeIfPresent(Bool.self, forKey: .createTable)
            commit = try container.decodeIfPresent(DatabaseCommitScope.self, forKey: .commit)
        }

        private enum CodingKeys: String, CodingKey {
            case table, mode, keys, createTable, commit
        }
    }

    let endpoint: MySQLEndpoint
    var settings: DatabaseWriteSettings
    let schema: SchemaSpec?
    /// Whether every batch goes into one transaction for the whole job.
    let oneTransaction: Bool
    let pool: ConnectionPool<MySQLConnection>
    /// Where the process's breakers are (see ``MySQLEndpoint/connectGuard(in:)``).
    let resources: SharedResources

    /// Checks the configuration (errors carry paths relative to `config`) and finds or
    /// makes the shared connection pool in `context.resources`; nothing connects yet.
    public init(config: Config, context: ComponentContext) throws {
        endpoint = try config.connection.resolve()
        guard endpoint.configuration.database != nil else {
            throw SpecError(path: "database", "required: the database the table is in (in the url or as database)")
        }
        settings = try DatabaseWriteSettings(
            table: config.table, mode: config.mode, keys: config.keys, createTable: config.createTable, commit: config.commit)
        schema = context.schema
        oneTransaction = settings.oneTransaction(atomicWrites: context.atomicWrites)
        pool = try MySQLPools.pool(for: endpoint, in: context.resources)
        resources = context.resources
    }

    /// `mysql://user@host:port/db#table` (no password).
    public var location: String { "\(endpoint.location)#\(settings.table)" }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        let connection = try await pool.lease(guarded: endpoint.connectGuard(in: resources))
        let info: MySQLTableInfo?
        let maxPacket: Int
        do {
            info = try await MySQLTableInfo.load(settings.table, on: connection)
            try check(info)
            let packet = try await connection.query("SELECT @@max_allowed_packet")
            maxPacket = packet.rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 4 << 20
        } catch {
            await pool.release(connection, broken: !connection.isUsable)
            if error is ConnectorError { throw error }
            throw ConnectorError.remote("MySQL write to \(location) failed: \(error)")
        }
        let dialect = MySQLTableDialect(pool: pool, connection: connection, settings: settings, maxAllowedPacket: maxPacket, location: location)
        // In apply mode the schema describes the events, not the table.
        return try await TableWriter.open(
            dialect, columns: info?.columns, schema: settings.mode == .apply ? nil : schema,
            jobTransaction: oneTransaction)
    }

    /// Fails early when the table cannot take the writes.
    private func check(_ info: MySQLTableInfo?) throws {
        let table = settings.table
        guard let info else {
            guard settings.createTable else {
                throw ConnectorError.io("\(endpoint.location) has no table '\(table)' and createTable is false")
            }
            return
        }
        let missingKeys = info.missing(settings.keys)
        guard missingKeys.isEmpty else {
            throw ConnectorError.io("table '\(table)' has no key column \(missingKeys.map { "'\($0)'" }.joined(separator: ", "))")
        }
        if settings.mode == .upsert || settings.mode == .apply, !info.hasUniqueKey(on: settings.keys) {
            throw ConnectorError.io(
                "\(settings.mode.rawValue) into '\(table)' needs a PRIMARY KEY or UNIQUE index on exactly "
                    + "(\(settings.keys.joined(separator: ", "))); "
                    + "create one with ALTER TABLE \(MySQLStatements.name(table)) ADD UNIQUE (\(MySQLStatements.names(settings.keys)))")
        }
    }
}

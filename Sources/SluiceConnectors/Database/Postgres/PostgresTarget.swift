import Logging
import PostgresNIO
import SluiceCore

/// Writes records into a PostgreSQL table (created if missing).
///
/// - By default (`commit: "job"`) every mode writes in one transaction for the whole job,
///   committed by ``TargetWriter/commit()``; ``TargetWriter/abort()`` rolls it back and
///   gives the connection back to the pool (closed, when the rollback fails). A process
///   killed mid-way drops its connection, and the server rolls the transaction back: the
///   table is as it was, and a table the job created is gone (DDL is transactional).
/// - With `commit: "batch"`, `insert`, `upsert` and `apply` commit each batch in its own
///   transaction: once `write` returns, that batch is in the table.
/// - `insert` loads each batch with `COPY … FROM STDIN`: in binary format when every column's
///   type has a binary form the target writes and every value one that stores what its text
///   would (``PostgresBinaryCopyEncoder``), else in text format.
/// - `upsert` copies each batch into a temporary stage table, then
///   `INSERT … SELECT … ON CONFLICT (keys) DO UPDATE` sets only the columns the records
///   have (absent fields keep their stored values; of records with the same keys in one
///   batch the last wins). The table needs a unique index or primary key on exactly `keys`.
/// - `replace` empties the table (`TRUNCATE`, transactional in PostgreSQL) and loads the
///   records in the job's one transaction (`commit: "batch"` is refused with it): an abort
///   or a failure leaves the old rows.
/// - `apply` applies change events (`op`, `key`, `before`, `after`, as a `postgres_cdc`
///   source yields them) in order: insert and update upsert `after`, delete deletes the row
///   with `key`, truncate empties the table.
///
/// With `atomicWrites` (incremental jobs) every mode writes in one transaction for the whole
/// job, whatever `commit` says. A column stores what PostgreSQL's input function makes of the
/// value's text form (see ``PostgresTextForm``), so an existing column of any type that reads
/// that text (numeric, date, uuid …) takes them; the binary COPY only sends, for the types it
/// knows, the binary form of that same result. Rows the server refuses
/// for a reason of their own (unique, not-null, check or foreign-key violation, a value the
/// column cannot read or that is too long) come back as rejections with the server's
/// message; the rest of the batch is written (see ``TableWriter`` and ``PostgresTableDialect``).
public struct PostgresTarget: Target {
    public static let type = "postgres"

    /// `target.config` of a PostgreSQL target: the connection fields of
    /// ``PostgresConnectionConfig`` plus the write settings.
    ///
    /// ```json
    /// {"url": "postgres://app@db:5432/sales", "table": "public.orders", "mode": "upsert", "keys": ["id"]}
    /// ```
    public struct Config: Decodable, Sendable {
        /// Where to connect.
        public var connection: PostgresConnectionConfig
        /// The table written to: `table` or `schema.table` (split at the first dot).
        public var table: String
        /// `insert` (default), `upsert`, `replace` or `apply`.
        public var mode: DatabaseWriteMode?
        /// The columns identifying a row; required for upsert and apply.
        public var keys: [String]?
        /// Whether a missing table is created (default true).
        public var createTable: Bool?
        /// `job` (default: one transaction for the whole job) or `batch`.
        public var commit: DatabaseCommitScope?

        enum CodingKeys: String, CodingKey {
            case table, mode, keys, createTable, commit
        }

        public init(from decoder: any Decoder) throws {
            connection = try PostgresConnectionConfig(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            table = try container.decode(String.self, forKey: .table)
            mode = try container.decodeIfPresent(DatabaseWriteMode.self, forKey: .mode)
            keys = try container.decodeIfPresent([String].self, forKey: .keys)
            createTable = try container.decodeIfPresent(Bool.self, forKey: .createTable)
            commit = try container.decodeIfPresent(DatabaseCommitScope.self, forKey: .commit)
        }
    }

    let endpoint: PostgresEndpoint
    var settings: DatabaseWriteSettings
    let table: PostgresRelationName
    let schema: SchemaSpec?
    /// Whether every batch goes into one transaction for the whole job.
    let oneTransaction: Bool
    let resources: SharedResources
    let logger: Logger

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try PostgresEndpoint(config.connection)
        settings = try DatabaseWriteSettings(
            table: config.table, mode: config.mode, keys: config.keys, createTable: config.createTable, commit: config.commit)
        table = PostgresRelationName(settings.table)
        schema = context.schema
        oneTransaction = settings.oneTransaction(atomicWrites: context.atomicWrites)
        resources = context.resources
        logger = context.logger
    }

    public var location: String { "\(endpoint.location)#\(table.display)" }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        let pool = try endpoint.pool(in: resources)
        let pooled = try await pool.lease(guarded: endpoint.connectGuard(in: resources))
        let info: PostgresTableInfo?
        do {
            info = try await PostgresTableInfo.load(table, on: pooled.connection, logger: logger)
            try check(info)
        } catch {
            // The connection goes back only clean.
            var clean = false
            if pooled.isUsable { clean = (try? await pooled.connection.run("ROLLBACK", logger: logger)) != nil }
            await pool.release(pooled, broken: !clean)
            if error is ConnectorError { throw error }
            throw ConnectorError.io("cannot write to \(location): \(PostgresErrorText.describe(error))")
        }
        let dialect = PostgresTableDialect(pool: pool, pooled: pooled, settings: settings, table: table, location: location, logger: logger)
        return try await TableWriter.open(dialect, columns: info, schema: schema, jobTransaction: oneTransaction)
    }

    /// Fails early when the table cannot take the writes.
    private func check(_ info: PostgresTableInfo?) throws {
        guard let info else {
            guard settings.createTable else {
                throw ConnectorError.io("\(endpoint.location) has no table '\(table.display)' and createTable is false")
            }
            return
        }
        guard info.kind == "r" || info.kind == "p" else {
            throw ConnectorError.io("'\(table.display)' on \(endpoint.location) is not a table (relkind '\(info.kind)')")
        }
        let missingKeys = info.missing(settings.keys)
        guard missingKeys.isEmpty else {
            throw ConnectorError.io("table '\(table.display)' has no key column \(missingKeys.map { "'\($0)'" }.joined(separator: ", "))")
        }
        if settings.mode == .upsert || settings.mode == .apply, !info.hasUniqueIndex(on: settings.keys) {
            throw ConnectorError.io(
                "\(settings.mode.rawValue) into '\(table.display)' needs a primary key or unique index on exactly "
                    + "(\(settings.keys.joined(separator: ", "))); create one with CREATE UNIQUE INDEX ON "
                    + "\(table.quoted) (\(SQLIdentifier.list(settings.keys)))")
        }
    }
}

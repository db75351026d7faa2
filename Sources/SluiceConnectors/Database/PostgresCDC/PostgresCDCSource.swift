import SluiceCore

/// Change data capture from PostgreSQL: reads the row changes (inserts, updates, deletes,
/// truncates) committed since the last confirmed run from a logical replication slot, one
/// record per change.
///
/// ```json
/// {"type": "postgres_cdc", "config": {"url": "postgres://app@db:5432/sales", "password": "${env:SLUICE_SECRET_PGPASSWORD}",
///  "slot": "sluice_orders", "tables": ["public.orders", "public.order_lines"], "maxChanges": 100000}}
/// ```
///
/// The server needs `wal_level = logical`. The source uses the SQL interface of logical
/// decoding with the built-in `pgoutput` plugin (PostgresNIO does not speak the streaming
/// replication protocol): each run peeks, without consuming, at the changes of the slot up
/// to the WAL position flushed when the run started, and decodes `pgoutput`'s binary
/// messages itself. The slot is only advanced by ``PostgresCDCReader/targetCommitted()``,
/// after the target committed everything read, so a run that fails replays its changes next
/// time: delivery is at least once, nothing is lost.
///
/// At the first run the publication (`FOR TABLE …` the configured tables, or `FOR ALL
/// TABLES`) and then the slot are created when missing; changes made before the slot exists
/// are not captured (load existing rows with the `postgres` source first), and creating the
/// slot waits until the transactions running at that moment have ended. An existing
/// publication is used as it is, but must publish the configured tables. Records have the fields `op`, `schema`, `table`, `key`,
/// `before`, `after`, `lsn`, `xid` and `commitTime`; see ``PostgresCDCChangeAssembler`` for
/// what `key`, `before` and `after` hold and ``PgOutputTextValue`` for the value types.
///
/// A slot that is never advanced keeps the server's WAL: drop slots of jobs that are gone
/// (`SELECT pg_drop_replication_slot('name')`).
public struct PostgresCDCSource: Source {
    public static let type = "postgres_cdc"

    /// `source.config` of a `postgres_cdc` source: the connection fields of
    /// ``PostgresConnectionConfig`` plus the settings below.
    public struct Config: Decodable, Sendable {
        /// Where to connect.
        public var connection: PostgresConnectionConfig
        /// The replication slot: lower-case letters, digits and `_`, at most 63 characters.
        public var slot: String
        /// The publication naming the tables to capture (default `sluice_<slot>`).
        public var publication: String?
        /// The tables to capture (`schema.table` or `table` for `public`) when the publication
        /// is created; absent: all tables.
        public var tables: [String]?
        /// Whether to create the slot when it is missing (default true); false makes a missing
        /// slot an error.
        public var createSlot: Bool?
        /// The most changes one run reads: the read stops at the first transaction end at or
        /// after this many changes, so only whole transactions are read (one run may thus
        /// read more, up to the rest of one transaction).
        public var maxChanges: Int?
        /// Whether the read streams changes until the job is stopped.
        public var continuous: Bool?

        enum CodingKeys: String, CodingKey {
            case slot, publication, tables, createSlot, maxChanges, continuous
        }

        public init(from decoder: any Decoder) throws {
            connection = try PostgresConnectionConfig(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            slot = try container.decode(String.self, forKey: .slot)
            publication = try container.decodeIfPresent(String.self, forKey: .publication)
            tables = try container.decodeIfPresent([String].self, forKey: .tables)
            createSlot = try container.decodeIfPresent(Bool.self, forKey: .createSlot)
            maxChanges = try container.decodeIfPresent(Int.self, forKey: .maxChanges)
            continuous = try container.decodeIfPresent(Bool.self, forKey: .continuous)
        }
    }

    /// PostgreSQL's longest identifier, in bytes (`NAMEDATALEN - 1`).
    static let maximumNameBytes = 63

    let endpoint: PostgresEndpoint
    let slot: String
    let publication: String
    let tables: [PostgresCDCTableName]?
    let createSlot: Bool
    let maxChanges: Int?
    /// The server's bound on messages per read (`upto_nchanges`), from `maxChanges`.
    var rowLimit: Int?
    /// Whether the read streams changes until the job is stopped (see ``PostgresCDCStreamReader``).
    public let isContinuous: Bool
    let context: ComponentContext

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try PostgresEndpoint(config.connection)
        try Self.validateSlot(config.slot)
        if let publication = config.publication {
            try SQLIdentifier.validate(publication, at: "publication")
            if publication.utf8.count > Self.maximumNameBytes {
                throw SpecError(path: "publication", "must be at most \(Self.maximumNameBytes) bytes long")
            }
            self.publication = publication
        } else {
            let derived = "sluice_\(config.slot)"
            if derived.utf8.count > Self.maximumNameBytes {
                throw SpecError(
                    path: "publication",
                    "required when slot is longer than \(Self.maximumNameBytes - 7) characters: the default name '\(derived)' is too long")
            }
            self.publication = derived
        }
        if let tables = config.tables {
            if tables.isEmpty { throw SpecError(path: "tables", "must name at least one table; leave it out to capture all tables") }
            var parsed: [PostgresCDCTableName] = []
            for (index, text) in tables.enumerated() {
                let name = try PostgresCDCTableName(parsing: text, at: "tables[\(index)]")
                if parsed.contains(name) { throw SpecError(path: "tables[\(index)]", "'\(name)' is listed twice") }
                parsed.append(name)
            }
            self.tables = parsed
        } else {
            self.tables = nil
        }
        if let maxChanges = config.maxChanges, maxChanges < 1 {
            throw SpecError(path: "maxChanges", "must be at least 1, found \(maxChanges)")
        }
        isContinuous = config.continuous ?? false
        if isContinuous, config.maxChanges != nil {
            throw SpecError(path: "maxChanges", "ends the read, and a continuous read streams changes until the job is stopped; remove maxChanges or continuous")
        }
        slot = config.slot
        createSlot = config.createSlot ?? true
        maxChanges = config.maxChanges
        rowLimit = config.maxChanges.flatMap { Self.rowLimit(maxChanges: $0) }
        self.context = context
    }

    /// Replication slot names are what the server accepts: `[a-z0-9_]{1,63}`.
    private static func validateSlot(_ slot: String) throws(SpecError) {
        guard !slot.isEmpty else { throw SpecError(path: "slot", "must not be empty") }
        guard slot.utf8.count <= maximumNameBytes else {
            throw SpecError(path: "slot", "must be at most \(maximumNameBytes) characters long")
        }
        let valid = slot.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
        guard valid else {
            throw SpecError(path: "slot", "'\(slot)' is not a valid replication slot name: use lower-case letters, digits and _")
        }
    }

    /// The server-side bound on messages for a read of `maxChanges` changes (nil: none).
    ///
    /// A transaction of n changes takes n + 2 messages (Begin, Commit) plus a Relation message
    /// per table the first time it appears, so 4 per change with room to spare covers the
    /// read up to where the reader itself stops. If the server still stops first, the read
    /// is shorter, never wrong: the reader then confirms only what it returned.
    static func rowLimit(maxChanges: Int) -> Int? {
        let spare = 64
        guard maxChanges <= (Int(Int32.max) - spare) / 4 else { return nil }
        return maxChanges * 4 + spare
    }

    public var location: String { "postgres_cdc:\(endpoint.location)#\(slot)" }

    public func open() async throws -> any BatchReader {
        let pool = try endpoint.pool(in: context.resources)
        let connectGuard = endpoint.connectGuard(in: context.resources)
        let leased = try await pool.lease(guarded: connectGuard)
        do {
            let session = PostgresCDCSession(connection: leased.connection, slot: slot, logger: context.logger)
            try await session.checkWalLevel()
            try await session.ensurePublication(publication, tables: tables)
            try await session.ensureSlot(create: createSlot)
            let primaryKeys = try await session.fullIdentityPrimaryKeys(publication: publication)
            if isContinuous {
                await pool.release(leased)
                return try await openStream(primaryKeys: primaryKeys)
            }
            await session.flushWAL()
            let upto = try await session.flushedLSN()
            let rows = try await session.peek(upto: upto, rowLimit: rowLimit, publication: publication)
            return PostgresCDCReader(
                pool: pool, connectGuard: connectGuard, leased: leased, rows: rows, assembler: PostgresCDCChangeAssembler(primaryKeys: primaryKeys),
                slot: slot, upto: upto, maxChanges: maxChanges, rowLimit: rowLimit, batchSize: max(1, context.batchSize),
                logger: context.logger)
        } catch {
            await pool.release(leased, broken: true)
            throw error
        }
    }

    /// Opens a replication connection and starts streaming from the slot's confirmed position.
    private func openStream(primaryKeys: [PostgresCDCTableName: [String]]) async throws -> any BatchReader {
        let connection = try await endpoint.connect(logger: context.logger, replication: true)
        guard let channel = connection.channel else {
            await connection.close()
            throw ConnectorError.io("postgres_cdc slot '\(slot)': the replication connection has no channel")
        }
        do {
            let stream = try await PostgresReplicationStream.start(slot: slot, publication: publication, on: channel)
            return PostgresCDCStreamReader(
                connection: connection, stream: stream, assembler: PostgresCDCChangeAssembler(primaryKeys: primaryKeys), slot: slot,
                batchSize: max(1, context.batchSize), logger: context.logger)
        } catch {
            await connection.close()
            if let refusal = error as? PostgresServerError {
                throw ConnectorError.remote("postgres_cdc slot '\(slot)': the server refused streaming replication: \(refusal.message ?? "\(refusal)")")
            }
            throw ConnectorError.io("postgres_cdc slot '\(slot)': cannot start streaming replication: \(PostgresErrorText.describe(error))")
        }
    }
}

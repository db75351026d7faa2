import Logging
import PostgresNIO
import SluiceCore

/// The statements a `postgres_cdc` read runs on its connection: checks, creation of the
/// publication and slot, the start of the peek, and the slot's advance.
struct PostgresCDCSession {
    let connection: PostgresConnection
    let slot: String
    let logger: Logger

    /// Fails with a clear message unless the server runs with `wal_level = logical`.
    func checkWalLevel() async throws {
        let level = try await value(String.self, "SELECT current_setting('wal_level')", what: "reading wal_level")
        guard level == "logical" else {
            throw ConnectorError.io(
                "postgres_cdc needs wal_level = logical on the server, it is '\(level ?? "unknown")' (set it in postgresql.conf and restart)")
        }
    }

    /// Creates the publication when it does not exist: for `tables`, or for all tables when
    /// nil. An existing publication is left as it is, but must publish every table of
    /// `tables`: changes of a table it leaves out would be missed without a word.
    func ensurePublication(_ name: String, tables: [PostgresCDCTableName]?) async throws {
        let exists = try await value(Bool.self, "SELECT true FROM pg_publication WHERE pubname = \(name)", what: "looking up publication '\(name)'")
        guard exists == nil else {
            if let tables { try await checkPublished(name, tables: tables) }
            return
        }
        let scope = tables.map { "FOR TABLE " + $0.map(\.quoted).joined(separator: ", ") } ?? "FOR ALL TABLES"
        do {
            try await run(PostgresQuery(unsafeSQL: "CREATE PUBLICATION \(SQLIdentifier.quoted(name)) \(scope)"))
            logger.info("created publication", metadata: ["publication": "\(name)"])
        } catch where PostgresErrorText.sqlState(error) == "42710" {
            // Created meanwhile by another run: use it.
        } catch {
            throw ConnectorError.io("postgres_cdc cannot create publication '\(name)': \(PostgresErrorText.describe(error))")
        }
    }

    private func checkPublished(_ publication: String, tables: [PostgresCDCTableName]) async throws {
        let query: PostgresQuery = "SELECT schemaname::text, tablename::text FROM pg_publication_tables WHERE pubname = \(publication)"
        var published = Set<PostgresCDCTableName>()
        for row in try await collect(query, what: "reading the tables of publication '\(publication)'") {
            let (schema, table) = try row.decode((String, String).self)
            published.insert(PostgresCDCTableName(schema: schema, table: table))
        }
        let missing = tables.filter { !published.contains($0) }
        guard missing.isEmpty else {
            let list = missing.map { "'\($0)'" }.joined(separator: ", ")
            throw ConnectorError.io(
                "publication '\(publication)' exists but does not publish \(list): add them with ALTER PUBLICATION … ADD TABLE, "
                    + "or drop the publication so that it is created with the configured tables")
        }
    }

    /// Checks the slot is a `pgoutput` slot of this database, creating it when missing and
    /// `create` is set.
    func ensureSlot(create: Bool) async throws {
        let query: PostgresQuery = """
            SELECT slot_type::text, coalesce(plugin::text, ''), coalesce(database::text, ''), current_database()::text
            FROM pg_replication_slots WHERE slot_name = \(slot)
            """
        let rows = try await collect(query, what: "looking up slot '\(slot)'")
        guard let row = rows.first else {
            guard create else {
                throw ConnectorError.io("replication slot '\(slot)' does not exist (createSlot is false)")
            }
            do {
                try await run("SELECT pg_create_logical_replication_slot(\(slot), 'pgoutput')")
                logger.info("created replication slot", metadata: ["slot": "\(slot)"])
            } catch where PostgresErrorText.sqlState(error) == "42710" {
                return try await ensureSlot(create: false)
            } catch {
                throw ConnectorError.io("postgres_cdc cannot create replication slot '\(slot)': \(PostgresErrorText.describe(error))")
            }
            return
        }
        let (type, plugin, database, current) = try row.decode((String, String, String, String).self)
        guard type == "logical", plugin == "pgoutput" else {
            throw ConnectorError.io("replication slot '\(slot)' is a \(type) slot\(plugin.isEmpty ? "" : " of plugin '\(plugin)'"), not a logical pgoutput slot")
        }
        guard database == current else {
            throw ConnectorError.io("replication slot '\(slot)' belongs to database '\(database)', not '\(current)'")
        }
    }

    /// The primary key columns of the published tables with `REPLICA IDENTITY FULL`.
    func fullIdentityPrimaryKeys(publication: String) async throws -> [PostgresCDCTableName: [String]] {
        let query: PostgresQuery = """
            SELECT n.nspname::text, c.relname::text, a.attname::text
            FROM pg_publication_tables p
            JOIN pg_namespace n ON n.nspname = p.schemaname
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
            JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
            WHERE p.pubname = \(publication) AND c.relreplident = 'f'
            """
        var keys: [PostgresCDCTableName: [String]] = [:]
        for row in try await collect(query, what: "reading primary keys") {
            let (schema, table, column) = try row.decode((String, String, String).self)
            keys[PostgresCDCTableName(schema: schema, table: table), default: []].append(column)
        }
        return keys
    }

    /// Makes every transaction committed so far durable, so that the read sees it: logical
    /// decoding only reads WAL flushed to disk, and under `synchronous_commit = off` a commit
    /// reaches the disk up to three `wal_writer_delay`s later. Writing a (tiny, transactional)
    /// logical decoding message with `synchronous_commit = on` flushes all WAL before it; the
    /// message itself is not sent to Sluice (`pgoutput` leaves messages out unless asked).
    /// Best effort: when it fails (no permission, read-only), the read sees what is flushed,
    /// and later commits come in the next run.
    func flushWAL() async {
        do {
            try await run("BEGIN")
            try await run("SET LOCAL synchronous_commit = on")
            try await run("SELECT pg_logical_emit_message(true, 'sluice_cdc', '')")
            try await run("COMMIT")
        } catch {
            try? await run("ROLLBACK")
            logger.warning("cannot flush the WAL before reading; commits not yet on disk come in the next run",
                metadata: ["slot": "\(slot)", "error": "\(PostgresErrorText.describe(error))"])
        }
    }

    /// The WAL position flushed to disk now: every transaction committed before it can be
    /// decoded, so it bounds the read.
    func flushedLSN() async throws -> PostgresCDCLSN {
        let text = try await value(String.self, "SELECT pg_current_wal_flush_lsn()::text", what: "reading the WAL position")
        guard let text, let lsn = PostgresCDCLSN(text) else { throw ConnectorError.io("the server returned no WAL position") }
        return lsn
    }

    /// Starts the peek at the slot's changes up to `upto`, in a transaction whose settings
    /// fix the text format of values (ISO dates in UTC, hex `bytea`, shortest exact floats).
    /// Rows are `(lsn text, pgoutput message bytes)`; the caller ends the transaction.
    ///
    /// `rowLimit` is the server's `upto_nchanges`: it stops decoding at the end of the first
    /// transaction that brings the rows (messages, not only changes) to the limit. The server
    /// decodes the whole range into a temporary store before sending the first row, so this
    /// is what bounds its work per run.
    func peek(upto: PostgresCDCLSN, rowLimit: Int?, publication: String) async throws -> PostgresRowSequence {
        do {
            try await run("BEGIN")
            try await run("""
                SELECT set_config('DateStyle', 'ISO, MDY', true), set_config('TimeZone', 'UTC', true),
                    set_config('bytea_output', 'hex', true), set_config('extra_float_digits', '1', true)
                """)
            let names = SQLIdentifier.quoted(publication)
            return try await connection.query("""
                SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes(\(slot), \(upto.description)::pg_lsn, \(rowLimit)::int4,
                    'proto_version', '1', 'publication_names', \(names))
                """, logger: logger)
        } catch {
            throw ConnectorError.io("postgres_cdc cannot read slot '\(slot)': \(PostgresErrorText.describe(error))")
        }
    }

    /// Advances the slot to `lsn` unless it is there already (the server refuses to move a
    /// slot backwards).
    func advance(to lsn: PostgresCDCLSN) async throws {
        let query: PostgresQuery = """
            SELECT pg_replication_slot_advance(slot_name, \(lsn.description)::pg_lsn)::text
            FROM pg_replication_slots WHERE slot_name = \(slot) AND confirmed_flush_lsn < \(lsn.description)::pg_lsn
            """
        do {
            _ = try await connection.query(query, logger: logger).collect()
        } catch {
            throw ConnectorError.io("postgres_cdc cannot confirm slot '\(slot)' at \(lsn): \(PostgresErrorText.describe(error))")
        }
    }

    /// Ends the read's transaction.
    func commit() async throws {
        try await run("COMMIT")
    }

    // MARK: - Helpers

    private func run(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    private func collect(_ query: PostgresQuery, what: String) async throws -> [PostgresRow] {
        do {
            return try await connection.query(query, logger: logger).collect()
        } catch {
            throw ConnectorError.io("postgres_cdc failed \(what): \(PostgresErrorText.describe(error))")
        }
    }

    private func value<T: PostgresDecodable>(_ type: T.Type, _ query: PostgresQuery, what: String) async throws -> T? {
        guard let row = try await collect(query, what: what).first else { return nil }
        return try row.decode(T.self)
    }
}

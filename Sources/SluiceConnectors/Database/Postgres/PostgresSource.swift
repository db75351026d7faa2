import Logging
import PostgresNIO
import SluiceCore

/// Reads rows of a PostgreSQL table (optionally some columns and a `where` filter) or of a
/// query, in batches of `batchSize` rows.
///
/// The read is one statement, so one snapshot, streamed with backpressure (the socket is not
/// read while the consumer is behind), so a 10M-row table never sits in memory, and there is
/// no round trip per batch as with a cursor's `FETCH`. Without `parameters` it is
/// `COPY (SELECT …) TO STDOUT (FORMAT binary)`, whose rows arrive back to back in large
/// chunks (``PostgresCopyOut``), an incremental bound written into it as a literal
/// (``copySQL``); COPY takes no parameters, so with them it is the `SELECT` through
/// PostgresNIO's row stream. Either way a task of the read decodes up to two batches ahead of
/// the consumer (``PostgresCopyProducer``, ``PostgresChunkProducer``), so decoding overlaps
/// with writing the previous batch. A connection is leased from the pool shared by every job
/// using the same database; it goes back when the read ends, and is closed (released as
/// broken) when the read fails or the reader is dropped mid-way. Positions are row numbers
/// from 1.
///
/// Values (the cells come in each type's binary form; each column's decoder is chosen once, by OID):
///
/// | PostgreSQL | Sluice |
/// |---|---|
/// | int2, int4, int8, oid | int |
/// | float4, float8 | double |
/// | numeric | int when integral and within Int64; else double when the decimal reads back exactly from the double; else the exact decimal string (`NaN`, `Infinity` too) |
/// | bool | bool |
/// | text, varchar, bpchar, name, uuid, and every other type (citext, inet, cidr, macaddr, interval, time, timetz, enums, money, xml …) | string, PostgreSQL's text form (those types are cast to `text` in the query) |
/// | date, timestamp | timestamp (timestamp without time zone taken as UTC) |
/// | timestamptz | timestamp (the UTC instant) |
/// | json, jsonb | the parsed value (object, array or scalar) |
/// | arrays of these | array (multi-dimensional arrays nested; an array of another type is cast to `text[]`) |
/// | bytea | string, base64 (standard alphabet, padded) |
/// | infinity dates and timestamps | string `infinity` / `-infinity` |
/// | null | null |
public struct PostgresSource: IncrementalSource {
    public static let type = "postgres"

    /// `source.config` of a PostgreSQL source: the connection fields of
    /// ``PostgresConnectionConfig`` plus either `table` (with optional `columns`, `where`) or
    /// `query`; `parameters` are bound to `$1`, `$2` … (never put into the SQL text).
    ///
    /// ```json
    /// {"url": "postgres://app@db:5432/sales", "table": "public.orders", "columns": ["id", "total"],
    ///  "where": "created_at >= $1", "parameters": ["2024-01-01"]}
    /// ```
    public struct Config: Decodable, Sendable {
        /// Where to connect.
        public var connection: PostgresConnectionConfig
        /// The table or view (`table` or `schema.table`, split at the first dot; both parts
        /// matched exactly, case included) or the query (`SELECT`, `VALUES`, `WITH … SELECT`,
        /// `TABLE …`) read; `parameters` are sent as text of no declared type, so the server
        /// types each from where it is used (arrays as array literals).
        public var selection: TableSelectionConfig

        public init(from decoder: any Decoder) throws {
            connection = try PostgresConnectionConfig(from: decoder)
            selection = try TableSelectionConfig(from: decoder)
        }
    }

    let endpoint: PostgresEndpoint
    var selection: TableSelection
    let batchSize: Int
    let resources: SharedResources
    let logger: Logger

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try PostgresEndpoint(config.connection)
        selection = try TableSelection(config.selection)
        if case .query(let query) = selection.subject, query.unicodeScalars.contains("\u{0}") {
            throw SpecError(path: "query", "must not contain NUL characters")
        }
        batchSize = max(1, context.batchSize)
        resources = context.resources
        logger = context.logger
    }

    /// `query` without trailing spaces and semicolons, so it can be wrapped as a subquery.
    static func trimmed(_ query: String) -> String {
        var text = Substring(query)
        while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    public var location: String { selection.location(endpoint.location) }

    /// The `SELECT` the read runs, before any text casts.
    var baseSQL: String { sql(bound: "$\(selection.parameters.count + 1)") }

    /// The `SELECT` of a read without parameters, which runs as a binary COPY (COPY takes no
    /// parameters): ``baseSQL`` with the incremental bound, when there is one, written in as a
    /// dollar-quoted literal of the text it would be bound as (cast as the parameter is, so
    /// the server reads the same value). Nil when the configuration has parameters.
    var copySQL: String? {
        guard selection.parameters.isEmpty else { return nil }
        guard let value = boundParameters.first, let text = PostgresTextForm.bytes(value, arrayColumn: true) else { return sql(bound: "NULL") }
        // A NUL cannot be in the statement's text (nor bound: the server refuses it either way).
        guard !text.contains(0) else { return nil }
        return sql(bound: Self.dollarQuoted(String(decoding: text, as: UTF8.self)))
    }

    /// `text` as a dollar-quoted string literal, with a tag that neither occurs in it nor
    /// could end it early (so the text is never read as SQL, whatever
    /// `standard_conforming_strings` says).
    static func dollarQuoted(_ text: String) -> String {
        var tag = "sluice"
        var attempt = 0
        while (text + "$").contains("$\(tag)$") {
            attempt += 1
            tag = "sluice\(attempt)"
        }
        return "$\(tag)$\(text)$\(tag)$"
    }

    /// The `SELECT` with the incremental bound's value written as `placeholder`.
    private func sql(bound placeholder: String) -> String {
        let sql = selection.statement(name: { PostgresRelationName($0).quoted }, condition: { $0 }, query: Self.trimmed)
        guard let (field, bound) = selection.lowerBound else { return sql }
        let column = "\(TableSelection.boundAlias).\(SQLIdentifier.quoted(field))"
        switch bound {
        case .number: return TableSelection.bounded(sql, by: "\(column) >= \(placeholder)::numeric")
        case .timestamp: return TableSelection.bounded(sql, by: "\(column) >= \(placeholder)::timestamptz")
        case .text: return TableSelection.bounded(sql, by: "\(column)::text COLLATE \"C\" >= \(placeholder)::text")
        }
    }

    /// The values bound to the read's placeholders: the configured ones, then the bound's.
    var boundParameters: [Value] {
        guard let (_, bound) = selection.lowerBound else { return selection.parameters }
        switch bound {
        case .number(let value): return selection.parameters + [value]
        case .timestamp(let t): return selection.parameters + [.timestamp(t)]
        case .text(let text): return selection.parameters + [.string(text)]
        }
    }

    /// Reads only rows whose `field` is at least `value` (see ``IncrementalBound``): numbers
    /// compare as `numeric`, instants as `timestamptz` (a `timestamp` column is read as UTC,
    /// as the session's time zone is), text by bytes (`COLLATE "C"`) whatever the column's
    /// collation, as the engine compares.
    public func readingFrom(_ value: Value, of field: String) throws -> any Source {
        var copy = self
        copy.selection = selection.reading(from: value, of: field)
        return copy
    }

    /// What the read is, for messages.
    var subject: String {
        selection.table.map { "table '\($0)' of \(endpoint.location)" } ?? "the query on \(endpoint.location)"
    }

    public func open() async throws -> any BatchReader {
        let pool = try endpoint.pool(in: resources)
        let pooled = try await pool.lease(guarded: endpoint.connectGuard(in: resources))
        do {
            if let channel = pooled.channel, let sql = copySQL {
                // Without parameters the rows come as one binary COPY stream.
                let plan = try await PostgresReadPlan.make(base: sql, parameters: [], on: pooled.connection, logger: logger)
                let chunks = try await PostgresCopyOut.start(plan.sql, on: channel)
                return PostgresBatchReader(PostgresCopyProducer(
                    pool: pool, connection: pooled, chunks: chunks, fields: plan.fields, kinds: plan.kinds, batchSize: batchSize,
                    subject: subject))
            }
            let parameters = boundParameters
            let plan = try await PostgresReadPlan.make(base: baseSQL, parameters: parameters, on: pooled.connection, logger: logger)
            let rows = try await pooled.connection.query(plan.query(parameters), logger: logger)
            return PostgresBatchReader(PostgresChunkProducer(
                pool: pool, connection: pooled, rows: rows, fields: plan.fields, kinds: plan.kinds, batchSize: batchSize,
                subject: subject))
        } catch {
            await pool.release(pooled, broken: !pooled.isUsable)
            if let error = error as? ConnectorError { throw error }
            throw ConnectorError.io("cannot read \(subject): \(PostgresErrorText.describe(error))")
        }
    }
}

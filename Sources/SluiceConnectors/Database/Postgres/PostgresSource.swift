import Logging
import PostgresNIO
import SluiceCore

/// Reads rows of a PostgreSQL table (optionally some columns and a `where` filter) or of a
/// query, in batches of `batchSize` rows.
///
/// The read is one `SELECT` streamed with PostgresNIO's backpressured row stream: one
/// statement is one snapshot, rows arrive as the consumer takes them (PostgresNIO stops
/// reading the socket while its buffer is full), so a 10M-row table never sits in memory,
/// and there is no round trip per batch as with a cursor's `FETCH`. A task of the read
/// decodes up to two batches ahead of the consumer (``PostgresChunkProducer``), so decoding
/// overlaps with writing the previous batch. A connection is leased
/// from the pool shared by every job using the same database; it goes back when the read
/// ends, and is closed (released as broken) when the read fails or the reader is dropped
/// mid-way. Positions are row numbers from 1.
///
/// Values (PostgresNIO receives binary cells; each column's decoder is chosen once, by OID):
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
        /// The table or view to read: `table` or `schema.table` (split at the first dot; both
        /// parts matched exactly, case included).
        public var table: String?
        /// The columns to read (default all, in table order).
        public var columns: [String]?
        /// An SQL condition on the table's rows, with `$1`, `$2` … for `parameters`.
        public var `where`: String?
        /// A query whose result is read (`SELECT`, `VALUES`, `WITH … SELECT`, `TABLE …`).
        public var query: String?
        /// Values bound to `$1`, `$2` … in order; sent as text of no declared type, so the
        /// server types each from where it is used. Arrays are sent as array literals.
        public var parameters: [Value]?

        enum CodingKeys: String, CodingKey {
            case table, columns, `where`, query, parameters
        }

        public init(from decoder: any Decoder) throws {
            connection = try PostgresConnectionConfig(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            table = try container.decodeIfPresent(String.self, forKey: .table)
            columns = try container.decodeIfPresent([String].self, forKey: .columns)
            self.where = try container.decodeIfPresent(String.self, forKey: .where)
            query = try container.decodeIfPresent(String.self, forKey: .query)
            parameters = try container.decodeIfPresent([Value].self, forKey: .parameters)
        }
    }

    /// What one read selects.
    enum Selection: Sendable {
        case table(PostgresRelationName, columns: [String]?, condition: String?)
        case query(String)
    }

    let endpoint: PostgresEndpoint
    let selection: Selection
    let parameters: [Value]
    let batchSize: Int
    let resources: SharedResources
    let logger: Logger
    /// An incremental run's lower bound: only rows whose `field` is at least it are read.
    var lowerBound: (field: String, bound: IncrementalBound)?

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try PostgresEndpoint(config.connection)
        switch (config.table, config.query) {
        case (.some, .some):
            throw SpecError(path: "query", "give either table or query, not both")
        case (nil, nil):
            throw SpecError(path: "table", "required: give the table to read, or a query")
        case (.some(let table), nil):
            try SQLIdentifier.validate(table, at: "table")
            if let columns = config.columns {
                if columns.isEmpty { throw SpecError(path: "columns", "must name at least one column") }
                try SQLIdentifier.validate(columns, at: "columns")
            }
            if let condition = config.where, condition.allSatisfy(\.isWhitespace) {
                throw SpecError(path: "where", "must not be empty")
            }
            selection = .table(PostgresRelationName(table), columns: config.columns, condition: config.where)
        case (nil, .some(let query)):
            if config.columns != nil { throw SpecError(path: "columns", "only applies to table; select the columns in the query") }
            if config.where != nil { throw SpecError(path: "where", "only applies to table; put the condition in the query") }
            if query.allSatisfy(\.isWhitespace) { throw SpecError(path: "query", "must not be empty") }
            if query.unicodeScalars.contains("\u{0}") { throw SpecError(path: "query", "must not contain NUL characters") }
            selection = .query(Self.trimmed(query))
        }
        parameters = config.parameters ?? []
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

    public var location: String {
        switch selection {
        case .table(let name, _, _): return "\(endpoint.location)#\(name.display)"
        case .query: return endpoint.location
        }
    }

    /// The `SELECT` the read runs, before any text casts.
    var baseSQL: String {
        let sql: String
        switch selection {
        case .table(let name, let columns, let condition):
            var text = "SELECT \(columns.map { SQLIdentifier.list($0) } ?? "*") FROM \(name.quoted)"
            if let condition { text += " WHERE \(condition)" }
            sql = text
        case .query(let query):
            sql = query
        }
        guard let (field, bound) = lowerBound else { return sql }
        let column = "sluice_inc.\(SQLIdentifier.quoted(field))"
        let placeholder = "$\(parameters.count + 1)"
        let condition: String
        switch bound {
        case .number: condition = "\(column) >= \(placeholder)::numeric"
        case .timestamp: condition = "\(column) >= \(placeholder)::timestamptz"
        case .text: condition = "\(column)::text COLLATE \"C\" >= \(placeholder)::text"
        }
        return "SELECT * FROM (\(sql)\n) AS sluice_inc WHERE \(condition)"
    }

    /// The values bound to the read's placeholders: the configured ones, then the bound's.
    var boundParameters: [Value] {
        guard let (_, bound) = lowerBound else { return parameters }
        switch bound {
        case .number(let value): return parameters + [value]
        case .timestamp(let t): return parameters + [.timestamp(t)]
        case .text(let text): return parameters + [.string(text)]
        }
    }

    /// Reads only rows whose `field` is at least `value` (see ``IncrementalBound``): numbers
    /// compare as `numeric`, instants as `timestamptz` (a `timestamp` column is read as UTC,
    /// as the session's time zone is), text by bytes (`COLLATE "C"`) whatever the column's
    /// collation, as the engine compares.
    public func readingFrom(_ value: Value, of field: String) throws -> any Source {
        guard let bound = IncrementalBound(value) else { return self }
        var copy = self
        copy.lowerBound = (field, bound)
        return copy
    }

    /// What the read is, for messages.
    var subject: String {
        switch selection {
        case .table(let name, _, _): return "table '\(name.display)' of \(endpoint.location)"
        case .query: return "the query on \(endpoint.location)"
        }
    }

    public func open() async throws -> any BatchReader {
        let pool = try endpoint.pool(in: resources)
        let pooled = try await pool.lease()
        do {
            let parameters = boundParameters
            let plan = try await PostgresReadPlan.make(
                base: baseSQL, parameters: parameters, on: pooled.connection, logger: logger)
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

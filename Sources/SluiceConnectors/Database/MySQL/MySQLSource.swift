import SluiceCore

/// Reads rows from a MySQL or MariaDB server: a table (optionally some `columns` and a
/// `where` condition) or the result of a `query`, whose `?` placeholders take `parameters`.
///
/// The result set is streamed: the server sends rows as the job asks for them, and the
/// connection stops reading from the socket when enough are waiting, so a table of any size
/// is read with about one batch in memory. Each chunk holds `batchSize` rows (default: the
/// job's batch size); positions count rows from 1. Values map as ``MySQLValueMapping``
/// says.
///
/// The read uses one connection of the shared pool for its whole duration (a MySQL result
/// set ties up its connection); the connection goes back when the rows are exhausted,
/// closed when the read fails or is dropped before its end.
public struct MySQLSource: IncrementalSource {
    public static let type = "mysql"

    /// `source.config` of a MySQL source: the connection (see ``MySQLConnectionOptions``)
    /// plus either `table` (with optional `columns`, `where`) or `query`.
    public struct Config: Decodable, Sendable {
        /// Server, credentials, TLS and pool settings.
        public var connection: MySQLConnectionOptions
        /// The table or view to read (in `database`).
        public var table: String?
        /// The columns to read (default all, in table order).
        public var columns: [String]?
        /// An SQL condition on the table's rows, with `?` placeholders for `parameters`.
        public var `where`: String?
        /// A statement whose result is read, with `?` placeholders for `parameters`.
        public var query: String?
        /// Values for the placeholders, in order (strings, numbers, booleans, dates, null).
        /// They are written into the SQL as literals that cannot change the statement (text
        /// as `_utf8mb4 X'…'`, dates as `TIMESTAMP'…'` in UTC).
        public var parameters: [Value]?
        /// Rows per batch (default: the job's batch size).
        public var batchSize: Int?

        /// A configuration built in code (specs are decoded with `init(from:)`).
        public init(
            connection: MySQLConnectionOptions, table: String? = nil, columns: [String]? = nil, where condition: String? = nil,
            query: String? = nil, parameters: [Value]? = nil, batchSize: Int? = nil
        ) {
            self.connection = connection
            self.table = table
            self.columns = columns
            self.where = condition
            self.query = query
            self.parameters = parameters
            self.batchSize = batchSize
        }

        public init(from decoder: any Decoder) throws {
            connection = try MySQLConnectionOptions(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            table = try container.decodeIfPresent(String.self, forKey: .table)
            columns = try container.decodeIfPresent([String].self, forKey: .columns)
            self.where = try container.decodeIfPresent(String.self, forKey: .where)
            query = try container.decodeIfPresent(String.self, forKey: .query)
            parameters = try container.decodeIfPresent([Value].self, forKey: .parameters)
            batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize)
        }

        private enum CodingKeys: String, CodingKey {
            case table, columns, `where`, query, parameters, batchSize
        }
    }

    let endpoint: MySQLEndpoint
    let table: String?
    /// The statement run, parameters already in it.
    var sql: String
    let batchSize: Int
    let pool: ConnectionPool<MySQLConnection>

    /// Checks the configuration (errors carry paths relative to `config`) and finds or
    /// makes the shared connection pool in `context.resources`; nothing connects yet.
    public init(config: Config, context: ComponentContext) throws {
        endpoint = try config.connection.resolve()
        let parameters = config.parameters ?? []
        switch (config.table, config.query) {
        case (.some, .some):
            throw SpecError(path: "query", "give either table or query, not both")
        case (nil, nil):
            throw SpecError(path: "table", "required: give the table to read, or a query")
        case (.some(let table), nil):
            try SQLIdentifier.validate(table, at: "table")
            if endpoint.configuration.database == nil {
                throw SpecError(path: "database", "required with table: the database the table is in (in the url or as database)")
            }
            if let columns = config.columns {
                if columns.isEmpty { throw SpecError(path: "columns", "must name at least one column") }
                try SQLIdentifier.validate(columns, at: "columns")
            }
            var sql = "SELECT \(config.columns.map { SQLIdentifier.list($0, quote: "`") } ?? "*") FROM \(SQLIdentifier.quoted(table, quote: "`"))"
            if let condition = config.where {
                if condition.allSatisfy(\.isWhitespace) { throw SpecError(path: "where", "must not be empty") }
                sql += " WHERE (\(try MySQLLiteral.substitute(condition, parameters, path: "where")))"
            } else if !parameters.isEmpty {
                throw SpecError(path: "parameters", "only applies to where or query, which have ? placeholders")
            }
            self.table = table
            self.sql = sql
        case (nil, .some(let query)):
            if config.columns != nil { throw SpecError(path: "columns", "only applies to table; select the columns in the query") }
            if config.where != nil { throw SpecError(path: "where", "only applies to table; put the condition in the query") }
            if query.allSatisfy(\.isWhitespace) { throw SpecError(path: "query", "must not be empty") }
            self.table = nil
            self.sql = try MySQLLiteral.substitute(query, parameters, path: "query")
        }
        if let batchSize = config.batchSize, batchSize < 1 { throw SpecError(path: "batchSize", "must be at least 1") }
        self.batchSize = max(1, config.batchSize ?? context.batchSize)
        self.pool = try MySQLPools.pool(for: endpoint, in: context.resources)
    }

    /// `mysql://user@host:port/db#table` (no password), or without `#table` for a query.
    public var location: String {
        table.map { "\(endpoint.location)#\($0)" } ?? endpoint.location
    }

    /// Wraps the statement in `SELECT * FROM (…) WHERE cursor >= bound` (see ``IncrementalBound``):
    /// text compares as bytes (`CAST(… AS BINARY)`, whatever the column's collation), an
    /// instant as a UTC `DATETIME(6)` literal (the session's time zone is UTC).
    public func readingFrom(_ value: Value, of field: String) throws -> any Source {
        guard let bound = IncrementalBound(value) else { return self }
        let column = "sluice_incremental.\(SQLIdentifier.quoted(field, quote: "`"))"
        let condition: String
        switch bound {
        case .number(let number):
            guard let literal = MySQLLiteral.literal(number) else { return self }
            condition = "\(column) >= \(literal)"
        case .timestamp(let t):
            condition = "\(column) >= '\(MySQLValueMapping.datetimeText(t))'"
        case .text(let text):
            condition = "CAST(\(column) AS BINARY) >= CAST(\(MySQLLiteral.text(text)) AS BINARY)"
        }
        var copy = self
        copy.sql = "SELECT * FROM (\(sql)) AS sluice_incremental WHERE \(condition)"
        return copy
    }

    public func open() async throws -> any BatchReader {
        let connection = try await pool.lease()
        let columns: [MySQLColumn]
        do {
            columns = try await connection.startQuery(sql)
        } catch {
            await pool.release(connection, broken: error.serverError == nil)
            throw ConnectorError.remote("MySQL read from \(location) failed: \(error)")
        }
        return MySQLBatchReader(pool: pool, connection: connection, columns: columns, batchSize: batchSize, location: location)
    }
}

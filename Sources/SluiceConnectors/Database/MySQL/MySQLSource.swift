import SluiceCore
import SluiceMySQLWire

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
        /// The table or view (in `database`) or the statement read. `parameters` (strings,
        /// numbers, booleans, dates, null) are written into the SQL as literals that cannot
        /// change the statement (text as `_utf8mb4 X'…'`, dates as `TIMESTAMP'…'` in UTC).
        public var selection: TableSelectionConfig
        /// Rows per batch (default: the job's batch size).
        public var batchSize: Int?

        /// A configuration built in code (specs are decoded with `init(from:)`).
        public init(
            connection: MySQLConnectionOptions, table: String? = nil, columns: [String]? = nil, where condition: String? = nil,
            query: String? = nil, parameters: [Value]? = nil, batchSize: Int? = nil
        ) {
            self.connection = connection
            self.selection = TableSelectionConfig(table: table, columns: columns, where: condition, query: query, parameters: parameters)
            self.batchSize = batchSize
        }

        public init(from decoder: any Decoder) throws {
            connection = try MySQLConnectionOptions(from: decoder)
            selection = try TableSelectionConfig(from: decoder)
            batchSize = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .batchSize)
        }

        private enum CodingKeys: String, CodingKey {
            case batchSize
        }
    }

    let endpoint: MySQLEndpoint
    var selection: TableSelection
    /// The statement read (before any incremental bound), parameters already in it.
    let statement: String
    let batchSize: Int
    let pool: ConnectionPool<MySQLConnection>
    /// Where the process's breakers are (see ``MySQLEndpoint/connectGuard(in:)``).
    let resources: SharedResources

    /// Checks the configuration (errors carry paths relative to `config`) and finds or
    /// makes the shared connection pool in `context.resources`; nothing connects yet.
    public init(config: Config, context: ComponentContext) throws {
        endpoint = try config.connection.resolve()
        selection = try TableSelection(config.selection)
        let parameters = selection.parameters
        if case .table(_, _, let condition) = selection.subject {
            if endpoint.configuration.database == nil {
                throw SpecError(path: "database", "required with table: the database the table is in (in the url or as database)")
            }
            if condition == nil, !parameters.isEmpty {
                throw SpecError(path: "parameters", "only applies to where or query, which have ? placeholders")
            }
        }
        statement = try selection.statement(
            quote: "`", name: { SQLIdentifier.quoted($0, quote: "`") },
            condition: { "(\(try MySQLLiteral.substitute($0, parameters, path: "where")))" },
            query: { try MySQLLiteral.substitute($0, parameters, path: "query") })
        if let batchSize = config.batchSize, batchSize < 1 { throw SpecError(path: "batchSize", "must be at least 1") }
        self.batchSize = max(1, config.batchSize ?? context.batchSize)
        self.pool = try MySQLPools.pool(for: endpoint, in: context.resources)
        self.resources = context.resources
    }

    /// `mysql://user@host:port/db#table` (no password), or without `#table` for a query.
    public var location: String { selection.location(endpoint.location) }

    /// Wraps the statement to read only rows whose `field` is at least `value` (see
    /// ``IncrementalBound``): text compares as bytes (`CAST(… AS BINARY)`, whatever the
    /// column's collation), an instant as a UTC `DATETIME(6)` literal (the session's time
    /// zone is UTC).
    public func readingFrom(_ value: Value, of field: String) throws -> any Source {
        var copy = self
        copy.selection = selection.reading(from: value, of: field)
        return copy
    }

    /// The statement run: ``statement``, wrapped by the selection's lower bound if any.
    var sql: String {
        guard let (field, bound) = selection.lowerBound else { return statement }
        let column = "\(TableSelection.boundAlias).\(SQLIdentifier.quoted(field, quote: "`"))"
        switch bound {
        case .number(let number):
            guard let literal = MySQLLiteral.literal(number) else { return statement }
            return TableSelection.bounded(statement, by: "\(column) >= \(literal)")
        case .timestamp(let t):
            return TableSelection.bounded(statement, by: "\(column) >= '\(MySQLValueMapping.datetimeText(t))'")
        case .text(let text):
            return TableSelection.bounded(statement, by: "CAST(\(column) AS BINARY) >= CAST(\(MySQLLiteral.text(text)) AS BINARY)")
        }
    }

    public func open() async throws -> any BatchReader {
        let connection = try await pool.lease(guarded: endpoint.connectGuard(in: resources))
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

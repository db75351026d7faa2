import SQLiteNIO
import SluiceCore

/// One read of a ``SQLiteSource``: keyset pagination on the rowid of a table (or of the
/// temporary table holding a query's result), one `SELECT … LIMIT batchSize` per batch.
final class SQLiteBatchReader: BatchReader {
    private let connection: SQLiteConnection
    private let sql: String
    private let parameters: [SQLiteData]
    private let fields: [String]
    private let declared: [DeclaredColumnType]
    private let batchSize: Int
    private var lastRowid = SQLiteInt64.min
    private var nextPosition = 1
    private var closed = false

    /// Reads `fields` of `source` (SQL text, quoted) in rowid order, filtered by `condition`
    /// with `parameters` bound to its placeholders.
    init(
        connection: SQLiteConnection, source: String, rowid: String, fields: [String], declared: [DeclaredColumnType],
        condition: String?, parameters: [SQLiteData], batchSize: Int
    ) {
        self.connection = connection
        // The user's condition comes first, so its `?` placeholders are numbered 1…n and the
        // two added here come after them.
        let filter = condition.map { "(\($0)) AND \(rowid) > ?" } ?? "\(rowid) > ?"
        let columns = fields.isEmpty ? "" : ", " + SQLIdentifier.list(fields)
        self.sql = "SELECT \(rowid)\(columns) FROM \(source) WHERE \(filter) ORDER BY \(rowid) LIMIT ?"
        self.parameters = parameters
        self.fields = fields
        self.declared = declared
        self.batchSize = batchSize
    }

    deinit {
        if !closed {
            let connection = connection
            Task { try? await connection.close() }
        }
    }

    func next() async throws -> SourceChunk? {
        guard !closed else { return nil }
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query(sql, parameters + [.integer(lastRowid), .integer(SQLiteInt64(batchSize))])
        } catch {
            await close()
            throw ConnectorError.io("SQLite read failed: \(SQLiteDatabaseFile.message(error))")
        }
        guard !rows.isEmpty else {
            await close()
            return nil
        }
        var builders = Array(repeating: ColumnBuilder(capacity: rows.count), count: fields.count)
        var bytes = 0
        for row in rows {
            let cells = row.columns
            if let rowid = cells.first?.data.integer { lastRowid = rowid }
            for index in fields.indices where index + 1 < cells.count {
                let data = cells[index + 1].data
                bytes += SQLiteValueMapping.size(data)
                builders[index].append(SQLiteValueMapping.value(data, declared: declared[index]))
            }
        }
        let positions = Array(nextPosition..<(nextPosition + rows.count))
        nextPosition += rows.count
        if rows.count < batchSize { await close() }
        return SourceChunk(
            batch: RecordBatch(fields: fields, columns: builders.map { $0.build() }, positions: positions), bytes: bytes)
    }

    private func close() async {
        guard !closed else { return }
        closed = true
        try? await connection.close()
    }
}

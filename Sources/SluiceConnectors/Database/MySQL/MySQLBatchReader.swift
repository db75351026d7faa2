import NIOCore
import SluiceCore
import SluiceMySQLWire

/// One read of a ``MySQLSource``: the rows of one streamed result set, `batchSize` at a time.
final class MySQLBatchReader: BatchReader {
    private let pool: ConnectionPool<MySQLConnection>
    private let connection: MySQLConnection
    private let fields: [String]
    private let kinds: [MySQLValueMapping.Kind]
    private let batchSize: Int
    private let location: String
    private var nextPosition = 1
    /// Whether the connection went back to the pool.
    private var released = false

    init(pool: ConnectionPool<MySQLConnection>, connection: MySQLConnection, columns: [MySQLColumn], batchSize: Int, location: String) {
        self.pool = pool
        self.connection = connection
        self.fields = columns.map(\.name)
        self.kinds = columns.map(MySQLValueMapping.kind(of:))
        self.batchSize = batchSize
        self.location = location
    }

    deinit {
        guard !released else { return }
        // Dropped mid-read: the rest of the result set is still coming, so the connection
        // cannot serve anyone else; closing it frees its pool slot.
        let pool = pool
        let connection = connection
        Task { await pool.release(connection, broken: true) }
    }

    func next() async throws -> SourceChunk? {
        guard !released else { return nil }
        let rows: [ByteBuffer]
        do {
            rows = try await connection.nextRows(max: batchSize)
        } catch {
            let broken = error.serverError == nil || !connection.isUsable
            await release(broken: broken)
            throw ConnectorError.remote("MySQL read from \(location) failed: \(error)")
        }
        guard !rows.isEmpty else {
            await release(broken: false)
            return nil
        }
        var builders = Array(repeating: ColumnBuilder(capacity: rows.count), count: fields.count)
        var bytes = 0
        for row in rows {
            bytes += row.readableBytes
            MySQLTextRow.forEachCell(row, count: fields.count) { index, cell in
                MySQLValueMapping.append(cell, kind: kinds[index], to: &builders[index])
            }
        }
        let positions = Array(nextPosition..<(nextPosition + rows.count))
        nextPosition += rows.count
        return SourceChunk(batch: RecordBatch(fields: fields, columns: builders.map { $0.build() }, positions: positions), bytes: bytes)
    }

    private func release(broken: Bool) async {
        guard !released else { return }
        released = true
        await pool.release(connection, broken: broken)
    }
}

import PostgresNIO
import SluiceCore

/// Decodes a statement's row stream into chunks of `batchSize` rows, in a task of its own,
/// so decoding the next batch overlaps with whatever the consumer does with the last one
/// (writing it to a target, encoding it). It owns the leased connection: it gives it back
/// when the stream ends — before handing over the last chunk, so the pool has it again by
/// the time the reader reports the end — and closes it (releases it as broken) when the
/// read fails or the consumer goes away mid-read.
struct PostgresChunkProducer: Sendable {
    let pool: ConnectionPool<PostgresPooledConnection>
    let connection: PostgresPooledConnection
    let rows: PostgresRowSequence
    let fields: [String]
    let kinds: [PostgresColumnKind]
    let batchSize: Int
    /// What is read, for messages.
    let subject: String

    func run(into buffer: PostgresChunkBuffer) async {
        var iterator = rows.makeAsyncIterator()
        var nextPosition = 1
        while true {
            var builders = Array(repeating: ColumnBuilder(capacity: batchSize), count: fields.count)
            var count = 0
            var bytes = 0
            do {
                while count < batchSize, let row = try await iterator.next() {
                    var index = 0
                    for cell in row {
                        bytes += try PostgresCellDecoder.append(cell.bytes, kind: kinds[index], to: &builders[index])
                        index += 1
                    }
                    count += 1
                }
            } catch {
                await pool.release(connection, broken: true)
                _ = await buffer.put(.failure(wrapped(error)))
                return
            }
            if Task.isCancelled {
                // The reader was dropped: a cancelled stream may end early, so this is not the end of the rows.
                await pool.release(connection, broken: true)
                return
            }
            let last = count < batchSize
            if last { await pool.release(connection, broken: !connection.isUsable) }
            if count > 0 {
                let positions = Array(nextPosition..<(nextPosition + count))
                nextPosition += count
                let batch = RecordBatch(fields: fields, columns: builders.map { $0.build() }, positions: positions)
                guard await buffer.put(.success(SourceChunk(batch: batch, bytes: bytes))) else {
                    // The reader was dropped mid-read: the statement may still be streaming.
                    if !last { await pool.release(connection, broken: true) }
                    return
                }
            }
            if last {
                _ = await buffer.put(.success(nil))
                return
            }
        }
    }

    private func wrapped(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.io("reading \(subject) failed: \(PostgresErrorText.describe(error))")
    }
}

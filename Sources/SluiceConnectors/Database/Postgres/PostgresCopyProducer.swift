import NIOCore
import SluiceCore

/// Decodes the chunks of a ``PostgresCopyOut`` into batches of `batchSize` rows in a task of
/// its own, as ``PostgresChunkProducer`` does for a row stream, with the same ownership of
/// the leased connection: given back when the COPY has ended (before the last batch is
/// handed over), closed (released as broken) when the read fails or the consumer goes away
/// mid-read.
struct PostgresCopyProducer: Sendable {
    let pool: ConnectionPool<PostgresPooledConnection>
    let connection: PostgresPooledConnection
    let chunks: PostgresCopyOut.Chunks
    let fields: [String]
    let kinds: [PostgresColumnKind]
    let batchSize: Int
    /// What is read, for messages.
    let subject: String

    func run(into buffer: PostgresChunkBuffer) async {
        var decoder = PostgresCopyDecoder(fields: fields, kinds: kinds, batchSize: batchSize)
        let iterator = chunks.makeAsyncIterator()
        let last: SourceChunk?
        do {
            while let chunk = try await iterator.next() {
                for batch in try decoder.decode(chunk) {
                    guard await buffer.put(.success(batch)) else {
                        // The reader was dropped mid-read: the COPY may still be streaming.
                        await pool.release(connection, broken: true)
                        return
                    }
                }
            }
            if Task.isCancelled {
                // The reader was dropped: a cancelled sequence ends early, so this is not the end of the rows.
                await pool.release(connection, broken: true)
                return
            }
            last = try decoder.finish()
        } catch {
            await pool.release(connection, broken: true)
            _ = await buffer.put(.failure(wrapped(error)))
            return
        }
        await pool.release(connection, broken: !connection.isUsable)
        if let last {
            guard await buffer.put(.success(last)) else { return }
        }
        _ = await buffer.put(.success(nil))
    }

    private func wrapped(_ error: any Error) -> any Error {
        if error is ConnectorError { return error }
        return ConnectorError.io("reading \(subject) failed: \(PostgresErrorText.describe(error))")
    }
}

import PostgresNIO
import SluiceCore

/// One read of a ``PostgresSource``: takes the chunks a ``PostgresCopyProducer`` (binary COPY)
/// or a ``PostgresChunkProducer`` (row stream) decodes ahead, at most two batches.
final class PostgresBatchReader: BatchReader {
    private let buffer: PostgresChunkBuffer
    private let producer: Task<Void, Never>
    private var finished = false

    init(_ producer: PostgresChunkProducer) {
        let buffer = PostgresChunkBuffer(capacity: 1)
        self.buffer = buffer
        self.producer = Task { await producer.run(into: buffer) }
    }

    init(_ producer: PostgresCopyProducer) {
        let buffer = PostgresChunkBuffer(capacity: 1)
        self.buffer = buffer
        self.producer = Task { await producer.run(into: buffer) }
    }

    deinit {
        if !finished {
            // Dropped mid-read: stop the producer, which then closes the connection.
            producer.cancel()
            let buffer = buffer
            Task { await buffer.close() }
        }
    }

    func next() async throws -> SourceChunk? {
        guard !finished else { return nil }
        switch await buffer.take() {
        case .success(let chunk?):
            return chunk
        case .success(nil):
            finished = true
            return nil
        case .failure(let error):
            finished = true
            throw error
        }
    }
}

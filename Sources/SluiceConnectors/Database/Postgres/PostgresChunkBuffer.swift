import SluiceCore

/// The hand-over between a ``PostgresChunkProducer`` and its ``PostgresBatchReader``: at
/// most `capacity` decoded chunks wait here, and the producer waits while it is full, so a
/// read runs at most a couple of batches ahead of its consumer.
actor PostgresChunkBuffer {
    /// A chunk, the end of the read (`nil`), or the error that ended it.
    typealias Item = Result<SourceChunk?, any Error>

    private let capacity: Int
    private var items: [Item] = []
    private var waitingConsumer: CheckedContinuation<Item, Never>?
    private var waitingProducer: CheckedContinuation<Bool, Never>?
    private var closed = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands `item` over, waiting while the buffer is full; false once the consumer is gone.
    func put(_ item: Item) async -> Bool {
        if closed { return false }
        if let consumer = waitingConsumer {
            waitingConsumer = nil
            consumer.resume(returning: item)
            return true
        }
        items.append(item)
        if items.count <= capacity { return true }
        return await withCheckedContinuation { waitingProducer = $0 }
    }

    /// The next item, waiting for the producer when there is none.
    func take() async -> Item {
        guard !items.isEmpty else { return await withCheckedContinuation { waitingConsumer = $0 } }
        let item = items.removeFirst()
        if let producer = waitingProducer {
            waitingProducer = nil
            producer.resume(returning: true)
        }
        return item
    }

    /// The consumer is gone: drops what waits and tells the producer to stop.
    func close() {
        closed = true
        items.removeAll()
        waitingProducer?.resume(returning: false)
        waitingProducer = nil
    }
}

/// Batches handed out one at a time: what a stateful step emits once its input has ended,
/// read back from spill files or sliced from a result held in memory.
public protocol BatchStream: AnyObject {
    /// The next batch, or `nil` after the last.
    func next() throws -> RecordBatch?
}

/// The batches of an array, in order.
public final class ArrayBatchStream: BatchStream {
    private var batches: [RecordBatch]
    private var index = 0

    /// A stream over `batches`.
    public init(_ batches: [RecordBatch]) { self.batches = batches }

    public func next() throws -> RecordBatch? {
        guard index < batches.count else { return nil }
        // Hand the batch over rather than keep a second reference to its storage.
        let batch = batches[index]
        batches[index] = .empty
        index += 1
        return batch
    }
}

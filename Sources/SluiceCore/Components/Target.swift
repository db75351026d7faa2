/// Where a job's records go (`file`, …).
public protocol Target: ConfiguredComponent {
    /// The spec's `type` name.
    static var type: String { get }
    /// A short, secret-free description of what is written (`file:/tmp/out.json`), for lineage.
    var location: String { get }
    /// Starts one write. Nothing is visible to readers of the target until ``TargetWriter/commit()``.
    func open(batchSize: Int?) async throws -> any TargetWriter
}

/// One write to a target: batches, then exactly one of commit or abort.
public protocol TargetWriter: AnyObject {
    /// Writes a batch; returns the bytes written.
    @discardableResult
    func write(_ batch: RecordBatch) async throws -> Int
    /// Makes everything written visible at once.
    func commit() async throws
    /// Discards everything written (the target is left as it was before the job).
    func abort() async
}

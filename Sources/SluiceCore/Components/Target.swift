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

/// A writer whose format encodes every batch on its own (NDJSON), so workers can encode
/// batches in parallel and the writer only appends the bytes, in order.
public protocol PreEncodingTargetWriter: TargetWriter {
    /// Encodes one batch exactly as ``TargetWriter/write(_:)`` would; `nil` when this write
    /// cannot take pre-encoded batches.
    var batchEncoder: (@Sendable (RecordBatch) -> [UInt8])? { get }
    /// Appends the bytes `batchEncoder` made for `rows` records; returns the bytes written.
    func writeEncoded(_ bytes: [UInt8], rows: Int) async throws -> Int
}

/// A writer whose target can refuse single records (a database constraint, a type the column
/// does not take). Refused records come back with the target's own reason and go to the
/// dead-letter queue; the rest of the batch is written.
public protocol RejectingTargetWriter: TargetWriter {
    /// Writes a batch; returns the bytes written and the records the target refused (with
    /// their positions from the batch).
    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection])
}

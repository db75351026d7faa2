/// Where a job's records go (`file`, …).
public protocol Target: ConfiguredComponent {
    /// The spec's `type` name.
    static var type: String { get }
    /// A short, secret-free description of what is written (`file:/tmp/out.json`), for lineage.
    var location: String { get }
    /// Starts one write. Nothing is visible to readers of the target until ``TargetWriter/commit()``.
    func open(batchSize: Int?) async throws -> any TargetWriter
    /// Encodes one batch exactly as this target's writers write it, when its format encodes
    /// every batch on its own (NDJSON): the planner then has workers encode batches in
    /// parallel and the writer only appends the bytes (``TargetWriter/writeEncoded(_:rows:)``).
    /// `nil` (the default) for everything else.
    var batchEncoder: (@Sendable (RecordBatch) -> [UInt8])? { get }
}

extension Target {
    public var batchEncoder: (@Sendable (RecordBatch) -> [UInt8])? { nil }
}

/// A target a continuous job can write to: the job commits in micro-batches, each one write
/// of its own (open, batches, commit), and what each commits is added to what the earlier
/// ones committed. The first micro-batch writes to the target as configured (so `replace` or
/// a file's `write` mode starts the output afresh); the later ones write to ``continuing()``.
public protocol ContinuingTarget: Target {
    /// The target the micro-batches after the first one write to: the same place, added to
    /// rather than replaced (a `replace` table inserted into, a file appended to). Throws a
    /// ``SpecError`` naming the key when this configuration cannot take micro-batches; the
    /// planner asks before the job starts.
    func continuing() throws -> any Target
}

/// One write to a target: batches, then exactly one of commit or abort.
public protocol TargetWriter: AnyObject {
    /// Writes a batch; returns the bytes written.
    @discardableResult
    func write(_ batch: RecordBatch) async throws -> Int
    /// Writes a batch; returns the bytes written and the records the target refused (a
    /// database constraint, a type the column does not take), with their positions from the
    /// batch and the target's own reason; the rest of the batch is written. The default
    /// refuses nothing.
    func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection])
    /// Appends the bytes the target's ``Target/batchEncoder`` made for `rows` records;
    /// returns the bytes written. Called only when the target has an encoder.
    func writeEncoded(_ bytes: [UInt8], rows: Int) async throws -> Int
    /// Tells the writer the types the source declares for fields that reach the target
    /// unchanged (see ``BatchReader/declaredSchema``), before the first write: a typed file
    /// format keeps them, a table created from the data uses them. The default ignores them.
    func declare(_ schema: [FieldSchema])
    /// Makes everything written visible at once.
    func commit() async throws
    /// Discards everything written (the target is left as it was before the job).
    func abort() async
}

extension TargetWriter {
    public func declare(_ schema: [FieldSchema]) {}

    public func writeReportingRejections(_ batch: RecordBatch) async throws -> (bytes: Int, rejected: [Rejection]) {
        (try await write(batch), [])
    }

    public func writeEncoded(_ bytes: [UInt8], rows: Int) async throws -> Int {
        throw UnsupportedWrite(reason: "this target takes records, not pre-encoded bytes")
    }
}

/// A write the writer does not support (the planner never asks for one).
public struct UnsupportedWrite: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// A writer whose format encodes every batch on its own (NDJSON); see ``Target/batchEncoder``.
public protocol PreEncodingTargetWriter: TargetWriter {}

/// A writer whose target can refuse single records; it implements
/// ``TargetWriter/writeReportingRejections(_:)``.
public protocol RejectingTargetWriter: TargetWriter {}

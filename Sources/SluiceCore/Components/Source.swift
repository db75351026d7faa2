/// Where a job's records come from (`file`, `api`, …).
///
/// A source is immutable configuration; ``open()`` starts one read and returns a reader that
/// yields batches on demand, so a slow consumer slows the read (pull-based backpressure).
public protocol Source: ConfiguredComponent {
    /// The spec's `type` name.
    static var type: String { get }
    /// A short, secret-free description of what is read (`file:/data/in.csv`), for lineage.
    var location: String { get }
    /// Starts reading.
    func open() async throws -> any BatchReader
    /// Whether the source never ends by itself (a queue, a change stream or an event stream
    /// read with `continuous: true`): its job runs until it is stopped and commits in
    /// micro-batches, and its reader hands on empty chunks while nothing arrives. False (the
    /// default) for every source that reads what is there and ends.
    var isContinuous: Bool { get }
}

extension Source {
    public var isContinuous: Bool { false }
}

/// A source that can leave out fields nothing downstream reads (projection pushdown, see
/// ``FieldDemand``): it then skips their values instead of building columns for them.
public protocol ProjectableSource: Source {
    /// The same source reading only `fields`; names it does not have are ignored, and the
    /// records keep their other fields' order.
    func projecting(_ fields: Set<String>) -> Self
}

/// One read of a source.
public protocol BatchReader: AnyObject {
    /// The next chunk, or `nil` when the source is exhausted.
    func next() async throws -> SourceChunk?
    /// Total bytes the read will cover, when known (for progress and ETA).
    var expectedBytes: Int? { get }
    /// The fields and types the input declares (a Parquet or Avro file's schema), once known;
    /// `nil` when the source declares none. The runner carries them to the target for fields
    /// that reach it unchanged, so a `decimal(12,2)` stays one.
    var declaredSchema: [FieldSchema]? { get }
    /// Called after the target committed every record this read produced so far: once at the
    /// end of a run, and after each micro-batch of a continuous one. A change-data-capture
    /// reader confirms its log position and a queue reader acknowledges its messages only
    /// then, so a crash before the commit replays them instead of losing them; other readers
    /// do nothing.
    func targetCommitted() async throws
    /// How many messages wait in the source beyond what this reader has taken (a consumer
    /// group's lag), asked after each micro-batch of a continuous job; `nil` (the default)
    /// when the source cannot tell.
    func consumerLag() async throws -> Int?
}

extension BatchReader {
    public var expectedBytes: Int? { nil }
    public var declaredSchema: [FieldSchema]? { nil }
    public func targetCommitted() async throws {}
    public func consumerLag() async throws -> Int? { nil }
}

/// A reader that does something in ``BatchReader/targetCommitted()`` (a change-data-capture
/// reader); the conformance documents that it relies on being told.
public protocol CommitAwareReader: BatchReader {}

/// What a source yields: parsed records, records it could not parse, and bytes consumed.
public struct SourceChunk: Sendable {
    /// The records read.
    public var batch: RecordBatch
    /// Rows or lines that could not be parsed, with line numbers.
    public var rejected: [Rejection]
    /// Bytes of input consumed for this chunk.
    public var bytes: Int

    public init(batch: RecordBatch, rejected: [Rejection] = [], bytes: Int = 0) {
        self.batch = batch
        self.rejected = rejected
        self.bytes = bytes
    }
}

/// A source whose input can be cut into blocks of whole records that decode independently,
/// so parsing runs on several workers at once (CSV and NDJSON files, Parquet row groups).
public protocol SplittableSource: Source {
    /// Whether this configuration can be cut into blocks (a JSON document cannot); the planner
    /// then reads it block-wise, else with ``Source/open()``.
    var splitsIntoBlocks: Bool { get }
    /// Starts a block-wise read, or returns `nil` when this configuration cannot be split.
    func openBlocks(blockBytes: Int) async throws -> (any BlockReader)?
}

extension SplittableSource {
    public var splitsIntoBlocks: Bool { true }
}

/// One block-wise read of a source.
public protocol BlockReader: AnyObject {
    /// The next block, in input order, or `nil` at the end.
    func nextBlock() async throws -> SourceBlock?
    /// Total bytes the read will cover, when known.
    var expectedBytes: Int? { get }
    /// The fields and types the input declares (Parquet), or `nil`; see
    /// ``BatchReader/declaredSchema``.
    var declaredSchema: [FieldSchema]? { get }
}

extension BlockReader {
    public var declaredSchema: [FieldSchema]? { nil }
}

/// A block of whole records with the work that decodes it, which any worker may run.
public struct SourceBlock: Sendable {
    /// Input bytes the block covers (its chunks' `bytes` add up to this).
    public let byteCount: Int
    /// Decodes the block into chunks (rows with their whole-file positions, and rejections).
    public let decode: @Sendable () throws -> [SourceChunk]

    public init(byteCount: Int, decode: @escaping @Sendable () throws -> [SourceChunk]) {
        self.byteCount = byteCount
        self.decode = decode
    }
}

/// A source that can leave out rows before an incremental watermark itself (a `WHERE` on the
/// cursor column), instead of reading every row for the engine to drop.
public protocol IncrementalSource: Source {
    /// Whether the source can leave out what lies before a watermark on `field` (a file
    /// source can only for its own modification-time field); true unless it says otherwise.
    func filtersItself(by field: String) -> Bool
    /// The same source reading only rows whose `field` is at least `value` — a superset of the
    /// rows past the watermark; the engine then drops the rest exactly. Rows whose `field` is
    /// null may be left out.
    func readingFrom(_ value: Value, of field: String) throws -> any Source
}

extension IncrementalSource {
    public func filtersItself(by field: String) -> Bool { true }
}

/// A source that can use the conditions of a filter right after it to skip parts of its input
/// that no kept record can come from (Parquet row groups whose statistics rule them out).
/// It never has to: the filter itself still runs on every record read.
public protocol FilterableSource: Source {
    /// The same source told the conditions (all of which a kept record meets).
    func filtering(_ conditions: [FieldCondition]) -> Self
}

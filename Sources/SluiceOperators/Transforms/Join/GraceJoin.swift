import SluiceCore
import Synchronization

/// An inner or left ``Join`` whose lookup data did not fit in memory, run as a grace hash
/// join: the lookup data was split into partitions on disk by a hash of its key
/// (``GraceJoinBuilder``), the records are split the same way as they arrive, and at the end
/// each partition's lookup data is read into memory and joined with that partition's
/// records by the same ``PreparedJoin`` the in-memory join uses.
///
/// The output is exactly the in-memory join's: every record is tagged with its place in the
/// input (a hidden int column), each partition's output is in that order, and the partitions
/// are merged by it (``MergedStream``) with the tag dropped. A record's matches all live in
/// one partition, in lookup order, so they come out in lookup order. Each input batch gives
/// one output batch with the fields the in-memory join would give it (the batch's own
/// fields, then the added ones, renamed alike). Records whose key can never match (null,
/// missing) have a partition of their own, joined with no lookup record: a left join keeps
/// them with null added fields, an inner join drops them at once.
///
/// The state holds the records of each partition until it is large (``flushBytes``) or the
/// runner asks it to spill; then they go to one spill file. The lookup partitions are read
/// back once, when the join finishes, and let go.
public struct GraceJoin: StatefulTransform {
    /// The spec's operation name.
    public static let operation = Join.operation

    /// The same configuration as ``Join``.
    public typealias Config = Join.Config
    /// The same declaration as ``Join``.
    public static var declaration: ComponentDeclaration { Join.declaration }
    public typealias State = GraceJoinState

    /// The hidden column holding each record's place in the input. The byte in front keeps
    /// it apart from any field of the data.
    static let sequenceField = "\u{1}grace-join-sequence"

    /// The join run on each partition.
    public let join: Join
    /// The lookup fields added to each record, by their lookup-side names.
    public let addedFields: [String]
    /// The fields of the whole lookup data set, in first-seen order.
    let lookupFields: [String]
    let partitioner: JoinPartitioner
    /// The lookup data's partitions, until the join finishes.
    let lookup: GraceJoinLookup
    /// Where the records' partitions are written when the buffers grow past ``flushBytes``.
    let space: SpillSpace
    /// The buffered bytes past which the records' partitions are written out.
    let flushBytes: Int
    /// The most rows the merge of the partitions takes at once (an input batch whose output
    /// is cut by it is put back together).
    var mergeBatchRows = 16_384

    /// A join with an empty lookup data set (every record unmatched). The engine builds grace
    /// joins with ``GraceJoinBuilder`` instead; this exists because every transform is
    /// buildable from its config. Only inner and left joins run partitioned.
    public init(config: Config, context: ComponentContext) throws {
        let join = try Join(config: config, context: context)
        guard join.partitionedJoin != nil else { throw GraceJoinBuilder.unsupported(join.kind) }
        let partitioner = JoinPartitioner(count: 16)
        self.init(
            join: join, lookupFields: config.fields ?? [], lookup: JoinPartitionFiles(count: partitioner.count), partitioner: partitioner,
            space: SpillSpace(directory: "/tmp/sluice-spill"), flushBytes: 64 << 20)
    }

    /// A join over the lookup partitions `lookup`, whose data had the fields `lookupFields`.
    init(join: Join, lookupFields: [String], lookup: JoinPartitionFiles, partitioner: JoinPartitioner, space: SpillSpace, flushBytes: Int) {
        let rightKeys = Set(join.keys.rightFields)
        self.join = join
        self.lookupFields = lookupFields
        addedFields = join.fields ?? lookupFields.filter { !rightKeys.contains($0) }
        self.lookup = GraceJoinLookup(lookup)
        self.partitioner = partitioner
        self.space = space
        self.flushBytes = max(1, flushBytes)
    }

    /// The number of partitions records with a key go to (records without one have one more).
    public var partitionCount: Int { partitioner.count }

    /// A fresh state: no record yet.
    public func makeState() -> GraceJoinState {
        GraceJoinState(left: JoinPartitionFiles(count: partitioner.count + 1))
    }

    /// Tags the batch's records with their places and adds them to their partitions; a grace
    /// join emits nothing until the end and refuses no record.
    public func consume(_ batch: RecordBatch, into state: inout GraceJoinState) throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        let first = state.register(batch)
        var partitions = partitioner.partitions(of: batch, keyFields: join.keys.leftFields)
        if join.kind == .inner {
            // A record that can match nothing is not in an inner join's output.
            let none = Int32(partitioner.count)
            for i in partitions.indices where partitions[i] == none { partitions[i] = -1 }
        }
        var tagged = batch
        tagged.setColumn(Column(storage: .ints(Array(first..<first + batch.count))), named: Self.sequenceField)
        state.left.append(tagged, partitions: partitions)
        if state.left.bufferedBytes >= flushBytes { try state.left.flush(to: space) }
        return BatchResult(batch: .empty)
    }

    /// Every output batch at once (the engine reads them a batch at a time with
    /// ``finish(_:space:)``).
    public func finish(_ state: GraceJoinState) throws -> RecordBatch {
        let output = try finish(state, space: space)
        var batches: [RecordBatch] = []
        while let batch = try output.next() { batches.append(batch) }
        return BatchConcatenation.concatenate(batches)
    }

    /// The buffered records and the bookkeeping of the input batches.
    public func estimatedBytes(of state: GraceJoinState) -> Int { state.estimatedBytes }

    /// A grace join's records always go to disk when the runner asks.
    public var spills: Bool { true }

    /// Writes the buffered records of every partition to one spill file.
    public func spill(_ state: inout GraceJoinState, to space: SpillSpace) throws {
        try state.left.flush(to: space)
    }

    /// Joins partition by partition, each one's output written to a spill file in `space`,
    /// then merges them back into input order a batch at a time.
    public func finish(_ state: GraceJoinState, space: SpillSpace) throws -> any BatchStream {
        guard let right = lookup.take() else { throw GraceJoinError.finished }
        var outputs: [any BatchStream] = []
        for partition in 0...partitioner.count where !state.left.isEmpty(partition) {
            let lookupRows =
                partition < partitioner.count
                ? try Self.lookupBatch(right.stream(of: partition), fields: lookupFields) : Self.conformed(.empty, to: lookupFields)
            let prepared = try PreparedJoin(join: join, lookup: lookupRows)
            var writer = try SpillWriter(space: space)
            var rows = 0
            let records = state.left.stream(of: partition)
            while let batch = try records.next() {
                let joined = try prepared.process(batch).batch
                rows += joined.count
                try writer.append(joined)
            }
            let run = try writer.finish()
            if rows > 0 { outputs.append(run.stream()) }
        }
        guard !outputs.isEmpty else { return ArrayBatchStream([]) }
        let merged = MergedStream(outputs, batchRows: mergeBatchRows, keys: [Self.sequenceField]) { a, i, b, j in
            Self.sequence(a[0], i) < Self.sequence(b[0], j)
        }
        return GraceJoinOutput(
            merged, batchStarts: state.batchStarts, batchLayouts: state.batchLayouts,
            outputFields: state.layouts.map { $0 + join.outputNames(leftFields: $0, added: addedFields) }, sequenceField: Self.sequenceField)
    }

    /// A partition's lookup records as one batch with the fields of the whole lookup data.
    static func lookupBatch(_ stream: any BatchStream, fields: [String]) throws -> RecordBatch {
        var parts: [RecordBatch] = []
        while let part = try stream.next() { parts.append(part) }
        return conformed(BatchConcatenation.concatenate(parts), to: fields)
    }

    /// `batch` with exactly `fields`, in that order (absent where it lacks one).
    static func conformed(_ batch: RecordBatch, to fields: [String]) -> RecordBatch {
        if batch.fields == fields { return batch }
        return RecordBatch(
            fields: fields, columns: fields.map { batch.column(named: $0) ?? Column.absent(count: batch.count) }, positions: batch.positions)
    }

    /// The place in the input held in row `row` of the hidden column.
    @inline(__always)
    static func sequence(_ column: Column?, _ row: Int) -> Int {
        guard let column else { return .max }
        if case .ints(let a) = column.storage { return a[row] }
        if case .int(let i) = column.value(at: row) { return i }
        return .max
    }

    /// As ``PreparedJoin/lineage(inputFields:)``.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        join.lineage(inputFields: inputFields, added: addedFields)
    }

    /// As ``Join/inputDemand(forOutput:)``.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        join.inputDemand(forOutput: output)
    }
}

/// The lookup partitions of a ``GraceJoin``, handed over once when it finishes so the files
/// are freed as soon as every partition has been joined.
final class GraceJoinLookup: Sendable {
    private let files: Mutex<JoinPartitionFiles?>

    init(_ files: JoinPartitionFiles) {
        self.files = Mutex(files)
    }

    /// The partitions, the first time; `nil` after.
    func take() -> JoinPartitionFiles? {
        files.withLock { files in
            let taken = files
            files = nil
            return taken
        }
    }
}

/// A grace join was finished twice.
enum GraceJoinError: Error, CustomStringConvertible {
    case finished
    case damaged

    var description: String {
        switch self {
        case .finished: return "join: the partitioned lookup data was already used"
        case .damaged: return "join: a spill file lacks the records' sequence column"
        }
    }
}

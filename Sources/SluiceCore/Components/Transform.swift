/// An operation in a job's `transforms` list, named by the spec's `operation`.
public protocol Transform: ConfiguredComponent {
    /// The spec's `operation` name.
    static var operation: String { get }
    /// How each output field derives from `inputFields` (column-level lineage).
    func lineage(inputFields: [String]) -> [FieldDerivation]
    /// The fields this transform needs from its input when whatever follows it needs
    /// `output` (see ``FieldDemand``). The default, ``FieldDemand/all``, is always safe.
    func inputDemand(forOutput output: FieldDemand) -> FieldDemand
    /// Whether the transform takes batches with dictionary-encoded text columns
    /// (``Column/Storage/dictionary(_:)``) as they are. The engine turns those into plain
    /// text before any transform that does not (the default).
    var readsDictionaryText: Bool { get }
}

extension Transform {
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { .all }
    public var readsDictionaryText: Bool { false }
}

/// A transform that handles each batch on its own (filter, map, split): it can run on many
/// batches at once and keeps no state between them.
public protocol StatelessTransform: Transform {
    /// Transforms one batch; rows it refuses come back in ``BatchResult/rejected``.
    func process(_ batch: RecordBatch) throws -> BatchResult
}

/// A transform that keeps state across batches (aggregate, dedupe, sort, window). Its per-run
/// state is an explicit value, so the component itself stays immutable. It sees batches one
/// at a time in source order.
public protocol StatefulTransform: Transform {
    /// The per-run state.
    associatedtype State: Sendable
    /// A fresh state for one run.
    func makeState() -> State
    /// Consumes one batch into `state`. Returns the rows it can emit already (a dedupe emits
    /// first occurrences at once; an aggregate emits nothing until ``finish(_:)``) and the
    /// rows it refused.
    func consume(_ batch: RecordBatch, into state: inout State) throws -> BatchResult
    /// Emits the rest once all input has been consumed.
    func finish(_ state: State) throws -> RecordBatch
    /// About how many bytes `state` holds, so the runner can enforce `MAX_MEMORY_MB`. A
    /// transform whose ``finish(_:)`` builds its output beside its state counts that too.
    func estimatedBytes(of state: State) -> Int

    /// Whether ``spill(_:to:)`` can move the state to disk (sort, window, dedupe, aggregate).
    var spills: Bool { get }
    /// Moves what `state` holds (or a large part of it: a window moves its oldest half) to
    /// files in `space`; consuming and finishing go on as before. The runner calls it when the state outgrows its share of
    /// the job's memory budget or the process's resident memory goes over the budget.
    func spill(_ state: inout State, to space: SpillSpace) throws
    /// The output once all input has been consumed, a batch at a time: what ``finish(_:)``
    /// returns, also after spills, in the same order.
    func finish(_ state: State, space: SpillSpace) throws -> any BatchStream
}

extension StatefulTransform {
    /// States that hold nothing worth counting.
    public func estimatedBytes(of state: State) -> Int { 0 }

    /// A transform keeps its state in memory unless it says otherwise.
    public var spills: Bool { false }

    /// Nothing to move: the state stays in memory.
    public func spill(_ state: inout State, to space: SpillSpace) throws {}

    /// ``finish(_:)``'s batch, sliced so what follows sees batches of a usual size.
    public func finish(_ state: State, space: SpillSpace) throws -> any BatchStream {
        ArrayBatchStream([try finish(state)])
    }
}

/// A stateful transform whose state can be built from separate pieces of the input and then
/// merged (an aggregate). The engine consumes each block into a fresh state on a worker and
/// merges the block states in input order, so the result is what one state fed every batch
/// in order would hold (up to floating-point rounding of merged sums).
public protocol MergeableTransform: StatefulTransform {
    /// Adds `other`, built from input that comes after `state`'s, into `state`.
    func merge(_ state: inout State, _ other: State)
}

/// A transform that needs a whole second data set before it can run (a join's right side).
///
/// The engine builds ``lookupSource`` like any source (data roots and secrets apply), reads
/// it completely, charges its size to the job's memory budget, and runs the transform that
/// ``prepared(with:)`` returns.
public protocol LookupTransform: Transform {
    /// The data set to read first.
    var lookupSource: SourceSpec { get }
    /// The transform to run once the whole lookup data set is in memory.
    func prepared(with lookup: RecordBatch) throws -> any StatelessTransform
}

import SluiceCore

/// A configured transform, ready to run: either batch-at-a-time or stateful.
public enum PlannedTransform: Sendable {
    /// Handles each batch independently.
    case stateless(any StatelessTransform)
    /// Holds state until the input ends.
    case stateful(any StatefulStep)
    /// Needs a whole second data set first (a join); the planner builds its source.
    case lookup(LookupStep)

    /// Column-level lineage of the transform for the given input fields.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        switch self {
        case .stateless(let transform): return transform.lineage(inputFields: inputFields)
        case .stateful(let step): return step.lineage(inputFields: inputFields)
        case .lookup(let step): return step.transform.lineage(inputFields: inputFields)
        }
    }

    /// The fields the transform needs from its input when what follows needs `output`.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        switch self {
        case .stateless(let transform): return transform.inputDemand(forOutput: output)
        case .stateful(let step): return step.inputDemand(forOutput: output)
        case .lookup(let step): return step.transform.inputDemand(forOutput: output)
        }
    }
}

/// A transform that reads a second data set before the run (a join's right side): the
/// transform, the source of its data (built by the planner), and how it becomes a runnable
/// step once the data is in memory (decided when it was registered: a right or full join
/// becomes a stateful step, an inner or left one a stateless step).
public struct LookupStep: Sendable {
    /// The configured transform.
    public let transform: any LookupTransform
    /// The data set to read first; `nil` until the planner has built it.
    public var source: (any Source)?
    /// The runnable step for the data read.
    let prepare: @Sendable (RecordBatch) throws -> PlannedTransform
}

/// A stateful transform with its state type erased, so the runner can hold a list of them.
public protocol StatefulStep: Sendable {
    /// Starts one run with a fresh state.
    func makeRun() -> any StatefulRun
    /// Column-level lineage for the given input fields.
    func lineage(inputFields: [String]) -> [FieldDerivation]
    /// The fields the transform needs from its input when what follows needs `output`.
    func inputDemand(forOutput output: FieldDemand) -> FieldDemand
    /// Whether states built from separate blocks can be merged (see ``MergeableTransform``).
    var isMergeable: Bool { get }
    /// Whether the transform takes dictionary-encoded text as it is (see ``Transform/readsDictionaryText``).
    var readsDictionaryText: Bool { get }
    /// Consumes `batches` (one block's, in order) into a fresh state, on any worker, for
    /// ``StatefulRun/merge(_:)``; `nil` when the transform is not mergeable.
    func consumeAlone(_ batches: [RecordBatch]) throws -> PartialState?
}

/// A state built from one block by ``StatefulStep/consumeAlone(_:)``, with what consuming
/// each batch emitted and refused.
public struct PartialState: Sendable {
    let state: any Sendable
    /// One result per batch consumed.
    public let results: [BatchResult]
}

/// One run of a stateful transform: consume batches, then finish once.
public protocol StatefulRun: AnyObject {
    /// Adds a batch to the state; returns the rows emitted already and the rows refused.
    func consume(_ batch: RecordBatch) throws -> BatchResult
    /// About how many bytes the state holds.
    var estimatedBytes: Int { get }
    /// Whether ``spill(to:)`` can move the state to disk.
    var spills: Bool { get }
    /// Moves the state to files in `space` (see ``StatefulTransform/spill(_:to:)``).
    func spill(to space: SpillSpace) throws
    /// The result after all input, a batch at a time.
    func finish(space: SpillSpace) throws -> any BatchStream
    /// Merges a state built from the input that follows everything consumed or merged so far.
    func merge(_ partial: PartialState) throws
}

/// Erases a ``StatefulTransform``'s `State` type.
struct StatefulBox<T: StatefulTransform>: StatefulStep {
    let transform: T
    /// The transform's merge, when it is a ``MergeableTransform``.
    let mergeStates: (@Sendable (inout T.State, T.State) -> Void)?

    init(_ transform: T) {
        self.transform = transform
        mergeStates = nil
    }

    init(mergeable transform: T) where T: MergeableTransform {
        self.transform = transform
        mergeStates = { transform.merge(&$0, $1) }
    }

    func makeRun() -> any StatefulRun { Run(transform: transform, mergeStates: mergeStates) }

    var isMergeable: Bool { mergeStates != nil }

    var readsDictionaryText: Bool { transform.readsDictionaryText }

    func consumeAlone(_ batches: [RecordBatch]) throws -> PartialState? {
        guard mergeStates != nil else { return nil }
        var state = transform.makeState()
        var results: [BatchResult] = []
        for batch in batches {
            results.append(batch.isEmpty ? BatchResult(batch: .empty) : try transform.consume(batch, into: &state))
        }
        return PartialState(state: state, results: results)
    }

    func lineage(inputFields: [String]) -> [FieldDerivation] { transform.lineage(inputFields: inputFields) }

    func inputDemand(forOutput output: FieldDemand) -> FieldDemand { transform.inputDemand(forOutput: output) }

    final class Run: StatefulRun {
        let transform: T
        let mergeStates: (@Sendable (inout T.State, T.State) -> Void)?
        var state: T.State

        init(transform: T, mergeStates: (@Sendable (inout T.State, T.State) -> Void)?) {
            self.transform = transform
            self.mergeStates = mergeStates
            self.state = transform.makeState()
        }

        func consume(_ batch: RecordBatch) throws -> BatchResult { try transform.consume(batch, into: &state) }

        var estimatedBytes: Int { transform.estimatedBytes(of: state) }

        var spills: Bool { transform.spills }

        func spill(to space: SpillSpace) throws { try transform.spill(&state, to: space) }

        func finish(space: SpillSpace) throws -> any BatchStream {
            // The state is handed over, so what finishing builds is not held twice.
            let state = self.state
            self.state = transform.makeState()
            return try transform.finish(state, space: space)
        }

        func merge(_ partial: PartialState) throws {
            guard let mergeStates, let other = partial.state as? T.State else {
                throw MergeMismatch(operation: T.operation)
            }
            mergeStates(&state, other)
        }
    }
}

/// A partial state handed to a run of another transform (a bug, never a user error).
struct MergeMismatch: Error, CustomStringConvertible {
    let operation: String
    var description: String { "internal error: a partial state could not be merged into \(operation)" }
}

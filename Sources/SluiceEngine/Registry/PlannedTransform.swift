import SluiceCore

/// A configured transform, ready to run: either batch-at-a-time or stateful.
public enum PlannedTransform: Sendable {
    /// Handles each batch independently.
    case stateless(any StatelessTransform)
    /// Holds state until the input ends.
    case stateful(any StatefulStep)
    /// Needs a whole second data set first (a join); the planner builds its source.
    case lookup(any LookupTransform, source: (any Source)?)

    /// Column-level lineage of the transform for the given input fields.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        switch self {
        case .stateless(let transform): return transform.lineage(inputFields: inputFields)
        case .stateful(let step): return step.lineage(inputFields: inputFields)
        case .lookup(let transform, _): return transform.lineage(inputFields: inputFields)
        }
    }
}

/// A stateful transform with its state type erased, so the runner can hold a list of them.
public protocol StatefulStep: Sendable {
    /// Starts one run with a fresh state.
    func makeRun() -> any StatefulRun
    /// Column-level lineage for the given input fields.
    func lineage(inputFields: [String]) -> [FieldDerivation]
}

/// One run of a stateful transform: consume batches, then finish once.
public protocol StatefulRun: AnyObject {
    /// Adds a batch to the state; returns the rows emitted already and the rows refused.
    func consume(_ batch: RecordBatch) throws -> BatchResult
    /// About how many bytes the state holds.
    var estimatedBytes: Int { get }
    /// The result after all input.
    func finish() throws -> RecordBatch
}

/// Erases a ``StatefulTransform``'s `State` type.
struct StatefulBox<T: StatefulTransform>: StatefulStep {
    let transform: T

    init(_ transform: T) { self.transform = transform }

    func makeRun() -> any StatefulRun { Run(transform: transform) }

    func lineage(inputFields: [String]) -> [FieldDerivation] { transform.lineage(inputFields: inputFields) }

    final class Run: StatefulRun {
        let transform: T
        var state: T.State

        init(transform: T) {
            self.transform = transform
            self.state = transform.makeState()
        }

        func consume(_ batch: RecordBatch) throws -> BatchResult { try transform.consume(batch, into: &state) }

        var estimatedBytes: Int { transform.estimatedBytes(of: state) }

        func finish() throws -> RecordBatch { try transform.finish(state) }
    }
}

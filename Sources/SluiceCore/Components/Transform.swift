/// An operation in a job's `transforms` list, named by the spec's `operation`.
public protocol Transform: ConfiguredComponent {
    /// The spec's `operation` name.
    static var operation: String { get }
    /// How each output field derives from `inputFields` (column-level lineage).
    func lineage(inputFields: [String]) -> [FieldDerivation]
}

/// A transform that handles each batch on its own (filter, map, split): it can run on many
/// batches at once and keeps no state between them.
public protocol StatelessTransform: Transform {
    /// Transforms one batch; rows it refuses come back in ``BatchResult/rejected``.
    func process(_ batch: RecordBatch) throws -> BatchResult
}

/// A transform that needs all its input before it can answer (aggregate, sort, window).
/// Its per-run state is an explicit value, so the component itself stays immutable.
public protocol StatefulTransform: Transform {
    /// The per-run state.
    associatedtype State: Sendable
    /// A fresh state for one run.
    func makeState() -> State
    /// Consumes one batch into `state`; refused rows come back, accepted ones are kept.
    func consume(_ batch: RecordBatch, into state: inout State) throws -> [Rejection]
    /// Emits the result once all input has been consumed.
    func finish(_ state: State) throws -> RecordBatch
}

import SluiceCore

/// The state of evaluating one expression over one batch: the batch, the run's context, and
/// the row failures found so far.
struct EvaluationFrame {
    let batch: RecordBatch
    let count: Int
    let context: EvaluationContext
    var errors: [ExpressionRowError] = []

    init(batch: RecordBatch, context: EvaluationContext) {
        self.batch = batch
        count = batch.count
        self.context = context
    }

    /// A frame for a sub-expression whose failures count only on some rows (a branch).
    func child() -> EvaluationFrame { EvaluationFrame(batch: batch, context: context) }

    mutating func fail(_ row: Int, _ failure: RowFailure) {
        errors.append(ExpressionRowError(row: row, reason: failure.reason))
    }

    /// Adopts the failures of `child` on the rows where `counts` says its value was used.
    mutating func adopt(_ child: EvaluationFrame, where counts: (Int) -> Bool) {
        for error in child.errors where counts(error.row) { errors.append(error) }
    }
}

import SluiceCore

/// Splits a rewritten batch into the rows that go on and the rows refused, for operations
/// that rewrite columns first and learn which rows failed along the way.
enum RejectedRows {
    /// `output` without the failed rows, and one rejection per failed row of `original` (with
    /// its values before the rewrite) carrying all its reasons, in row order.
    static func split(
        _ output: RecordBatch, failures: [(row: Int, reason: String)], original: RecordBatch, stage: String
    ) -> BatchResult {
        var reasons: [Int: [String]] = [:]
        for (row, reason) in failures { reasons[row, default: []].append(reason) }
        var keep: [Int] = []
        keep.reserveCapacity(original.count - reasons.count)
        var rejected: [Rejection] = []
        for row in 0..<original.count {
            if let list = reasons[row] {
                rejected.append(Rejection(record: .object(original.record(at: row)), reasons: list, position: original.positions[row], stage: stage))
            } else {
                keep.append(row)
            }
        }
        return BatchResult(batch: output.selecting(keep), rejected: rejected)
    }
}

import SluiceCore

@testable import SluiceOperators

/// Runs a stateful transform over `batches` as the engine does (consume each in order, then
/// finish) and returns everything it emitted, in order, as one batch.
func runStateful<T: StatefulTransform>(_ transform: T, _ batches: [RecordBatch]) throws -> RecordBatch {
    var state = transform.makeState()
    var out: [RecordBatch] = []
    for batch in batches {
        let result = try transform.consume(batch, into: &state)
        precondition(result.rejected.isEmpty, "no rows are rejected here")
        out.append(result.batch)
    }
    out.append(try transform.finish(state))
    return RecordBatch.concatenate(out.filter { !$0.isEmpty })
}

/// `batch` cut into consecutive batches of `size` rows (the last may be shorter).
func slices(_ batch: RecordBatch, size: Int) -> [RecordBatch] {
    stride(from: 0, to: batch.count, by: size).map { start in
        batch.selecting(Array(start..<min(start + size, batch.count)))
    }
}

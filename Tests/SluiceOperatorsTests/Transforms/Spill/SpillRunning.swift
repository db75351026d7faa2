import Foundation
import SluiceCore

@testable import SluiceOperators

/// A spill space in a fresh temporary directory.
func makeSpillSpace() -> SpillSpace {
    SpillSpace(directory: NSTemporaryDirectory() + "sluice-spill-test-\(UUID().uuidString)")
}

/// Runs a stateful transform over `batches` as the engine does when it spills: consume each
/// in order, spill after every `spillEvery` batches (never when 0), then read the finish
/// stream to its end. Returns everything emitted, in order, as one batch.
func runSpilling<T: StatefulTransform>(
    _ transform: T, _ batches: [RecordBatch], spillEvery: Int, space: SpillSpace
) throws -> RecordBatch {
    var state = transform.makeState()
    var out: [RecordBatch] = []
    for (i, batch) in batches.enumerated() {
        let result = try transform.consume(batch, into: &state)
        precondition(result.rejected.isEmpty, "no rows are rejected here")
        out.append(result.batch)
        if spillEvery > 0, (i + 1) % spillEvery == 0 { try transform.spill(&state, to: space) }
    }
    let stream = try transform.finish(state, space: space)
    state = transform.makeState()
    while let batch = try stream.next() { out.append(batch) }
    return RecordBatch.concatenate(out.filter { !$0.isEmpty })
}

/// Seeded records with every kind of cell a key can hold: ints, doubles equal to ints,
/// text (with non-ASCII), booleans, timestamps, nulls, missing fields, and a field that
/// mixes kinds. Built into batches of `batchSize` rows, so a column's storage differs from
/// batch to batch (ints in one, doubles in the next, mixed values in a third).
func mixedBatches(rows: Int, batchSize: Int, seed: UInt64, groups: Int = 300) -> [RecordBatch] {
    var random = DuckDBOracle.Generator(state: seed)
    var records: [ValueObject] = []
    for i in 0..<rows {
        var record = ValueObject()
        record.appendUnchecked(key: "id", value: .int(i))
        let g = random.below(groups)
        switch random.below(12) {
        case 0: record.appendUnchecked(key: "g", value: .null)
        case 1: break
        case 2: record.appendUnchecked(key: "g", value: .double(Double(g)))
        case 3: record.appendUnchecked(key: "g", value: .string("g\(g % 7)é"))
        default: record.appendUnchecked(key: "g", value: .int(g))
        }
        switch random.below(10) {
        case 0: record.appendUnchecked(key: "amount", value: .null)
        case 1: record.appendUnchecked(key: "amount", value: .double(Double(random.below(200) - 100) / 4))
        case 2: break
        default: record.appendUnchecked(key: "amount", value: .int(random.below(50) - 10))
        }
        let names = ["a", "b", "B", "é", "ab", "", "zz", "a b"]
        record.appendUnchecked(key: "name", value: random.below(15) == 0 ? .null : .string(names[random.below(names.count)]))
        switch random.below(8) {
        case 0: record.appendUnchecked(key: "mixed", value: .bool(random.below(2) == 0))
        case 1: record.appendUnchecked(key: "mixed", value: .string("m\(random.below(4))"))
        case 2: record.appendUnchecked(key: "mixed", value: .timestamp(Timestamp(microseconds: Int64(random.below(5)) * 1_000_000)))
        case 3: record.appendUnchecked(key: "mixed", value: .null)
        default: record.appendUnchecked(key: "mixed", value: .int(random.below(6)))
        }
        record.appendUnchecked(key: "when", value: .timestamp(Timestamp(microseconds: Int64(random.below(1000)) * 1000)))
        records.append(record)
    }
    return stride(from: 0, to: rows, by: batchSize).map { start in
        let end = min(rows, start + batchSize)
        return RecordBatch(records: Array(records[start..<end]), positions: Array((start + 1)...end))
    }
}

/// The first place where `a` and `b` differ, as a short description (`nil` when equal), so a
/// failure names the row instead of printing thousands of them.
func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String? {
    if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
        return "row \(i): \(a[i]) vs \(b[i])"
    }
    return a.count == b.count ? nil : "\(a.count) rows vs \(b.count)"
}

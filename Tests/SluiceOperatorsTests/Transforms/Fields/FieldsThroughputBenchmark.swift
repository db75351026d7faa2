import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

/// Throughput of select, rename and cast over in-memory batches on one core. Run by hand in
/// release mode after removing `.disabled`:
/// `swift test -c release --filter FieldsThroughputBenchmark`. It prints records/s and
/// asserts only counts, never a time.
@Suite("Field operations throughput (manual)")
struct FieldsThroughputBenchmark {
    static let batchSize = 4096
    static let batches = 250

    /// One batch as a CSV reader delivers it: ints, text numbers, text, doubles.
    static func makeBatch() -> RecordBatch {
        var random = DuckDBOracle.Generator(state: 3)
        var amount = TextColumn()
        var age = TextColumn()
        var name = TextColumn()
        var ids: [Int] = []
        var scores: [Double] = []
        for i in 0..<batchSize {
            ids.append(i)
            amount.append(String(Double(random.below(1_000_000)) / 100))
            age.append(String(random.below(90)))
            name.append("name \(random.below(1000))")
            scores.append(Double(random.below(1000)) / 3)
        }
        return RecordBatch(
            fields: ["id", "amount", "age", "name", "score"],
            columns: [Column(storage: .ints(ids)), Column(storage: .text(amount)), Column(storage: .text(age)), Column(storage: .text(name)), Column(storage: .doubles(scores))],
            positions: Array(0..<batchSize))
    }

    func measure(_ label: String, _ transform: some StatelessTransform, _ batch: RecordBatch) throws {
        var rows = 0
        let start = DispatchTime.now()
        for _ in 0..<Self.batches { rows += try transform.process(batch).batch.count }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("\(label): \(rows) records in \(seconds) s = \(Double(rows) / seconds / 1e6) M records/s")
        #expect(rows == Self.batches * Self.batchSize)
    }

    @Test(.disabled("manual benchmark"))
    func selectRenameCast() throws {
        let batch = Self.makeBatch()
        try measure("select", try make(SelectFields.self, #"{"fields": ["name", "id", "amount"]}"#), batch)
        try measure("rename", try make(RenameFields.self, #"{"fields": {"amount": "total", "name": "customer"}}"#), batch)
        try measure("cast amount→number", try make(CastFields.self, #"{"fields": {"amount": "number"}}"#), batch)
        try measure("cast age→integer", try make(CastFields.self, #"{"fields": {"age": "integer"}}"#), batch)
        try measure("cast amount,age,score→number,integer", try make(CastFields.self, #"{"fields": {"amount": "number", "age": "integer", "score": "integer"}}"#), batch)
    }
}

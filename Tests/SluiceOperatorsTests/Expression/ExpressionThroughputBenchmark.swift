import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

/// A throughput check to run by hand in release mode, e.g.
/// `swift test -c release --filter ExpressionThroughputBenchmark` after removing `.disabled`.
/// It prints records per second and asserts only results, never a time.
@Suite("Expression throughput (manual)")
struct ExpressionThroughputBenchmark {
    static let batchSize = 4096
    static let batches = 500

    /// In-memory batches with typed columns, as the decoders deliver them.
    static func makeBatches() -> [RecordBatch] {
        let statuses = ["active", "inactive", "pending"]
        return (0..<batches).map { b in
            var amount: [Double] = []
            var quantity: [Int] = []
            var status = TextColumn()
            for i in 0..<batchSize {
                let n = b * batchSize + i
                amount.append(Double(n % 2000) / 10)
                quantity.append(n % 17)
                status.append(statuses[n % 3])
            }
            return RecordBatch(
                fields: ["amount", "quantity", "status"],
                columns: [Column(storage: .doubles(amount)), Column(storage: .ints(quantity)), Column(storage: .text(status))],
                positions: Array(0..<batchSize))
        }
    }

    func measure(_ source: String, _ batches: [RecordBatch], mask: Bool) throws -> Int {
        let expression = try Expression(parsing: source)
        var checksum = 0
        let start = DispatchTime.now()
        for batch in batches {
            if mask {
                checksum += expression.evaluateMask(batch, now: testNow).mask.reduce(0) { $0 + ($1 ? 1 : 0) }
            } else {
                checksum += expression.evaluate(batch, now: testNow).column.count
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let records = Self.batchSize * Self.batches
        print("\(source): \(records) records in \(seconds) s = \(Double(records) / seconds / 1e6) M records/s")
        return checksum
    }

    @Test(.disabled("manual benchmark"))
    func arithmeticAndFilter() throws {
        let batches = Self.makeBatches()
        #expect(try measure("amount * quantity", batches, mask: false) == Self.batchSize * Self.batches)
        let kept = try measure("amount > 100 && status == 'active'", batches, mask: true)
        #expect(kept > 0)
        _ = try measure("split_part(status, 'i', 2)", batches, mask: false)
        _ = try measure("round(amount * 1.1, 2)", batches, mask: false)
    }
}

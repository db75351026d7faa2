import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct SampleTests {
    static func numbers(_ n: Int) -> RecordBatch {
        RecordBatch(fields: ["n"], columns: [Column(storage: .ints(Array(0..<n)))], positions: Array(1...n))
    }

    static func kept(_ batch: RecordBatch) -> [Int] {
        guard case .ints(let a) = batch.columns[0].storage else { return [] }
        return a
    }

    @Test func fractionIsDeterministicAndIndependentOfBatchSizes() throws {
        let n = 20_000
        let input = Self.numbers(n)
        let sample = try make(Sample.self, #"{"fraction": 0.1, "seed": 42}"#)
        let whole = Self.kept(try runStateful(sample, [input]))
        for size in [1, 333, 4096] {
            #expect(Self.kept(try runStateful(sample, slices(input, size: size))) == whole)
        }
        // Within 5 standard deviations of n·p (a false alarm about once in 3.5 million).
        let p = 0.1
        let sigma = (Double(n) * p * (1 - p)).squareRoot()
        #expect(abs(Double(whole.count) - Double(n) * p) <= 5 * sigma)
        #expect(whole == whole.sorted())
        // Another seed gives another sample of about the same size; the overlap is about p².
        let other = Self.kept(try runStateful(try make(Sample.self, #"{"fraction": 0.1, "seed": 43}"#), [input]))
        #expect(other != whole)
        #expect(abs(Double(other.count) - Double(n) * p) <= 5 * sigma)
        let overlap = Set(other).intersection(whole).count
        let overlapSigma = (Double(n) * p * p * (1 - p * p)).squareRoot()
        #expect(abs(Double(overlap) - Double(n) * p * p) <= 5 * overlapSigma)
        // The kept rows keep their values and positions.
        let out = try runStateful(sample, [input])
        #expect(out.positions == whole.map { $0 + 1 })
    }

    @Test func fractionEdges() throws {
        let input = Self.numbers(1000)
        #expect(try runStateful(try make(Sample.self, #"{"fraction": 0}"#), [input]).isEmpty)
        #expect(try runStateful(try make(Sample.self, #"{"fraction": 1}"#), [input]).count == 1000)
        // Without a seed, seed 0 is used.
        let unseeded = Self.kept(try runStateful(try make(Sample.self, #"{"fraction": 0.5}"#), [input]))
        #expect(unseeded == Self.kept(try runStateful(try make(Sample.self, #"{"fraction": 0.5, "seed": 0}"#), [input])))
    }

    @Test func countIsExactInInputOrderAndIndependentOfBatchSizes() throws {
        let n = 10_000
        let input = Self.numbers(n)
        let sample = try make(Sample.self, #"{"count": 100, "seed": 7}"#)
        let whole = try runStateful(sample, [input])
        let rows = Self.kept(whole)
        #expect(rows.count == 100)
        #expect(rows == rows.sorted())
        #expect(Set(rows).count == 100)
        #expect(whole.positions == rows.map { $0 + 1 })
        for size in [1, 37, 1000] {
            #expect(Self.kept(try runStateful(sample, slices(input, size: size))) == rows)
        }
        // Fewer records than the count: all of them.
        #expect(Self.kept(try runStateful(sample, [Self.numbers(60)])) == Array(0..<60))
        #expect(try runStateful(try make(Sample.self, #"{"count": 0}"#), [input]).isEmpty)
        #expect(try runStateful(sample, []).isEmpty)
    }

    @Test func countChoosesEveryRecordAboutEquallyOften() throws {
        // 400 seeds choosing 10 of 100 records: each record is chosen ~40 times.
        let input = Self.numbers(100)
        var hits = [Int](repeating: 0, count: 100)
        for seed in 0..<400 {
            let sample = try make(Sample.self, #"{"count": 10, "seed": \#(seed)}"#)
            for row in Self.kept(try runStateful(sample, slices(input, size: 9))) { hits[row] += 1 }
        }
        #expect(hits.reduce(0, +) == 4000)
        // Binomial(400, 0.1): mean 40, sd 6; 6 sd either side.
        #expect(hits.allSatisfy { $0 >= 4 && $0 <= 76 })
        // The first and second halves are chosen alike (a bias towards early or late records would show).
        let early = hits[0..<50].reduce(0, +)
        #expect(abs(early - 2000) <= 6 * Int((4000 * 0.25).squareRoot()))
    }

    @Test func reservoirKeepsMixedBatchesAndFields() throws {
        let first = try batch(#"[{"a": 1}, {"a": 2}, {"a": 3}]"#)
        let second = try batch(#"[{"b": "x"}, {"b": "y"}]"#, positions: [4, 5])
        let out = try runStateful(try make(Sample.self, #"{"count": 10}"#), [first, second])
        #expect(text(out) == #"[{"a":1},{"a":2},{"a":3},{"b":"x"},{"b":"y"}]"#)
        #expect(out.positions == [1, 2, 3, 4, 5])
    }

    @Test func configErrors() {
        func message(_ config: String) -> String? { specError { _ = try make(Sample.self, config) }?.message }
        #expect(message(#"{}"#) == #"fraction: expected either "fraction" (0 to 1) or "count""#)
        #expect(message(#"{"fraction": 0.5, "count": 3}"#) == #"count: give either "fraction" or "count", not both"#)
        #expect(message(#"{"fraction": 1.5}"#) == "fraction: expected a probability from 0 to 1, found 1.5")
        #expect(message(#"{"count": -3}"#) == "count: expected a number of records (0 or more), found -3")
    }
}

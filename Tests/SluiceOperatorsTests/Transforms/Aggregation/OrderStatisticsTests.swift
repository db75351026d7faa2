import Testing

@testable import SluiceOperators

/// The order statistics behind medians and percentiles equal a full sort's, through the
/// radix narrowing of large groups and Hoare's selection of small ones.
@Suite struct OrderStatisticsTests {
    /// Value shapes that stress the radix passes: a narrow range, heavy duplicates, both signs
    /// with ±0 and infinities, one huge outlier (the keys then differ in their exponent),
    /// sorted and reversed runs, and all values equal but one.
    static func values(_ shape: String, count: Int, seed: UInt64) -> [Double] {
        var random = DuckDBOracle.Generator(state: seed)
        return (0..<count).map { i -> Double in
            switch shape {
            case "uniform": return Double(random.below(1_000_000)) / 1000 + 100
            case "duplicates": return Double(random.below(10))
            case "signs":
                let special: [Double] = [0, -0.0, .infinity, -.infinity, 1e-310, -1e-310]
                return random.below(10) == 0 ? special[random.below(special.count)] : Double(random.below(2001) - 1000) / 8
            case "outlier": return i == count / 3 ? 1e300 : Double(random.below(100))
            case "sorted": return Double(i) / 4
            case "reversed": return Double(count - i) * 1.5
            default: return i == count - 1 ? 2 : 1
            }
        }
    }

    @Test(arguments: ["uniform", "duplicates", "signs", "outlier", "sorted", "reversed", "oneDifferent"])
    func pairsEqualAFullSort(shape: String) {
        for (size, seed) in [(1, 1), (2, 2), (255, 3), (256, 4), (257, 5), (300, 6), (1000, 7), (4097, 8), (50_000, 9)] {
            let original = Self.values(shape, count: size, seed: UInt64(seed))
            let sorted = original.sorted()
            var random = DuckDBOracle.Generator(state: UInt64(seed) &* 31)
            for k in Set([0, size / 2, (size - 1) / 2, size - 1, random.below(size)]) {
                var work = original
                let (lower, upper) = work.withUnsafeMutableBufferPointer { OrderStatistics.pair($0, k) }
                #expect(lower == sorted[k], "\(shape), \(size) values, k = \(k)")
                #expect(upper == (k + 1 < size ? sorted[k + 1] : nil), "\(shape), \(size) values, k = \(k)")
                #expect(work.sorted() == sorted, "\(shape): the values are only reordered")
            }
        }
    }

    /// Medians and percentiles of a large group, against the sorted values.
    @Test func mediansAndPercentilesOfLargeGroups() {
        for size in [10_000, 10_001] {
            let original = Self.values("uniform", count: size, seed: 42)
            let sorted = original.sorted()
            var work = original
            let median = work.withUnsafeMutableBufferPointer { MedianAccumulator.median($0) }
            let middle = size % 2 == 1 ? sorted[size / 2] : (sorted[size / 2 - 1] + sorted[size / 2]) / 2
            #expect(median == middle)
            work = original
            let p90 = work.withUnsafeMutableBufferPointer { MedianAccumulator.quantile(0.9, $0) }
            let position = Double(size - 1) * 0.9
            let k = Int(position.rounded(.down))
            #expect(p90 == sorted[k] + (position - Double(k)) * (sorted[k + 1] - sorted[k]))
        }
    }
}

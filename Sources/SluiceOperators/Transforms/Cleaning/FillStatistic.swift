import SluiceCore

/// What a mean, median or mode fill has seen of its field so far.
struct FillStatistic: Sendable {
    private let strategy: FillRule.Strategy
    private var sum = 0.0
    private var count = 0
    private var numbers: [Double] = []
    private var counts: [Value: (count: Int, first: Int)] = [:]

    init(_ strategy: FillRule.Strategy) {
        self.strategy = strategy
    }

    /// Takes in the non-null values of `column` (`nil` when the batch lacks the field).
    /// Mean and median read ints and doubles only; mode reads every value.
    mutating func add(_ column: Column?, count rows: Int) {
        guard let column else { return }
        switch strategy {
        case .mean:
            for row in 0..<rows {
                if let number = column.number(at: row) {
                    sum += number
                    count += 1
                }
            }
        case .median:
            for row in 0..<rows {
                if let number = column.number(at: row) { numbers.append(number) }
            }
        case .mode:
            for row in 0..<rows where column.isPresent(row) {
                let value = column.value(at: row)
                if let seen = counts[value] {
                    counts[value] = (seen.count + 1, seen.first)
                } else {
                    counts[value] = (1, counts.count)
                }
            }
        case .constant, .forward:
            break
        }
    }

    /// The fill value, or `nil` when there was nothing to compute it from.
    func value() -> Value? {
        switch strategy {
        case .mean:
            return count == 0 ? nil : .double(sum / Double(count))
        case .median:
            guard !numbers.isEmpty else { return nil }
            let sorted = numbers.sorted()
            let middle = sorted.count / 2
            return .double(sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2)
        case .mode:
            let best = counts.min { a, b in
                a.value.count != b.value.count ? a.value.count > b.value.count : a.value.first < b.value.first
            }
            return best?.key
        case .constant, .forward:
            return nil
        }
    }

    /// About how many bytes the statistic holds.
    var estimatedBytes: Int {
        numbers.capacity * 8 + counts.count * (MemoryLayout<Value>.stride + 32)
    }
}

import SluiceCore

/// The per-run state of a ``FillNulls``: the last value of each forward-filled field and,
/// when a rule needs every value first, the held batches and their statistics.
public struct FillNullsState: Sendable {
    /// Per rule: the last non-null value seen (forward fills).
    var last: [Value?]
    /// Per rule: the statistic of a mean, median or mode fill.
    var statistics: [FillStatistic?]
    /// The batches held until the end.
    var held: [RecordBatch] = []
    var heldBytes = 0

    init(rules: [FillRule]) {
        last = Array(repeating: nil, count: rules.count)
        statistics = rules.map { $0.strategy.needsAllValues ? FillStatistic($0.strategy) : nil }
    }

    /// The number of records held.
    public var heldRecords: Int { held.reduce(0) { $0 + $1.count } }

    /// About how many bytes the state holds.
    var estimatedBytes: Int {
        heldBytes + statistics.reduce(0) { $0 + ($1?.estimatedBytes ?? 0) }
    }
}

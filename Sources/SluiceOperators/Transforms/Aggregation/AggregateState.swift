import SluiceCore

/// The per-run state of an ``Aggregate``: the groups seen so far and their accumulators.
///
/// A hash map from group key to group number, plus one array per accumulator indexed by
/// group, so consuming a batch is one pass to number its rows and one tight pass per
/// aggregation. States built from different parts of the input can be merged.
public struct AggregateState: Sendable {
    var groups: GroupIndex
    /// Rows per group (the `count` aggregation).
    var rowCounts: [Int] = []
    /// One accumulator per field summed or averaged (`sum` and `avg` of a field share one).
    var sums: [SumAccumulator]
    /// One accumulator per `min` or `max` aggregation.
    var extremes: [ExtremeAccumulator]
    /// One accumulator per field whose `median` is asked for.
    var medians: [MedianAccumulator]
    /// One accumulator per field whose `stddev` is asked for.
    var deviations: [DeviationAccumulator]

    init(groupFields: Int, sums: Int, extremes: [Bool], medians: Int, deviations: Int) {
        groups = GroupIndex(fieldCount: groupFields)
        self.sums = Array(repeating: SumAccumulator(), count: sums)
        self.extremes = extremes.map { ExtremeAccumulator(isMax: $0) }
        self.medians = Array(repeating: MedianAccumulator(), count: medians)
        self.deviations = Array(repeating: DeviationAccumulator(), count: deviations)
        growAccumulators()
    }

    /// The number of groups.
    public var groupCount: Int { groups.count }

    /// Gives every per-group accumulator a slot for each group.
    mutating func growAccumulators() {
        let count = groups.count
        guard rowCounts.count < count else { return }
        rowCounts.append(contentsOf: repeatElement(0, count: count - rowCounts.count))
        for i in sums.indices { sums[i].grow(to: count) }
        for i in extremes.indices { extremes[i].grow(to: count) }
        for i in deviations.indices { deviations[i].grow(to: count) }
    }

    /// The bytes held by the group index and every accumulator.
    var estimatedBytes: Int {
        groups.estimatedBytes + rowCounts.capacity * 8
            + sums.reduce(0) { $0 + $1.estimatedBytes } + extremes.reduce(0) { $0 + $1.estimatedBytes }
            + medians.reduce(0) { $0 + $1.estimatedBytes } + deviations.reduce(0) { $0 + $1.estimatedBytes }
    }
}

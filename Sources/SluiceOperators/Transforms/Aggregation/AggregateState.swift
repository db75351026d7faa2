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
    /// One accumulator per `sum` or `avg` aggregation, in config order.
    var sums: [SumAccumulator]
    /// One accumulator per `min` or `max` aggregation, in config order.
    var extremes: [ExtremeAccumulator]

    init(groupFields: Int, sums: Int, extremes: [Bool]) {
        groups = GroupIndex(fieldCount: groupFields)
        self.sums = Array(repeating: SumAccumulator(), count: sums)
        self.extremes = extremes.map { ExtremeAccumulator(isMax: $0) }
        growAccumulators()
    }

    /// The number of groups.
    public var groupCount: Int { groups.count }

    /// Gives every accumulator a slot for each group.
    mutating func growAccumulators() {
        let count = groups.count
        guard rowCounts.count < count else { return }
        rowCounts.append(contentsOf: repeatElement(0, count: count - rowCounts.count))
        for i in sums.indices { sums[i].grow(to: count) }
        for i in extremes.indices { extremes[i].grow(to: count) }
    }
}

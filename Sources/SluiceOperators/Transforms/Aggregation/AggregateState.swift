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
    /// One accumulator per field's `min` and per field's `max`.
    var extremes: [ExtremeAccumulator]
    /// One accumulator per field whose `median` or percentiles are asked for.
    var medians: [MedianAccumulator]
    /// One accumulator per field whose standard deviation or variance is asked for.
    var deviations: [DeviationAccumulator]
    /// One accumulator per field whose distinct values are counted.
    var distincts: [DistinctAccumulator]
    /// One accumulator per field whose non-null values are counted.
    var presentCounts: [PresentCountAccumulator]
    /// One accumulator per field's `first` and per field's `last`.
    var edges: [EdgeAccumulator]
    /// One accumulator per field collected into lists.
    var collects: [CollectAccumulator]
    /// What has been spilled, once something has (see ``Aggregate/spill(_:to:)``).
    var spill: AggregateSpillBook?

    /// A state with the accumulators an aggregate's plan lists (`extremes` and `edges` by
    /// whether each is a max, a last).
    init(
        groupFields: Int, sums: Int, extremes: [Bool], medians: Int, deviations: Int, distincts: Int = 0, edges: [Bool] = [],
        collects: Int = 0, presentCounts: Int = 0
    ) {
        groups = GroupIndex(fieldCount: groupFields)
        self.sums = Array(repeating: SumAccumulator(), count: sums)
        self.extremes = extremes.map { ExtremeAccumulator(isMax: $0) }
        self.medians = Array(repeating: MedianAccumulator(), count: medians)
        self.deviations = Array(repeating: DeviationAccumulator(), count: deviations)
        self.distincts = (0..<distincts).map { _ in DistinctAccumulator() }
        self.edges = edges.map { EdgeAccumulator(isLast: $0) }
        self.collects = Array(repeating: CollectAccumulator(), count: collects)
        self.presentCounts = Array(repeating: PresentCountAccumulator(), count: presentCounts)
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
        for i in distincts.indices { distincts[i].grow(to: count) }
        for i in presentCounts.indices { presentCounts[i].grow(to: count) }
        for i in edges.indices { edges[i].grow(to: count) }
    }

    /// The bytes held by the group index, every accumulator and the spill bookkeeping.
    var estimatedBytes: Int {
        groups.estimatedBytes + rowCounts.capacity * 8 + (spill?.estimatedBytes ?? 0)
            + sums.reduce(0) { $0 + $1.estimatedBytes } + extremes.reduce(0) { $0 + $1.estimatedBytes }
            + medians.reduce(0) { $0 + $1.estimatedBytes } + deviations.reduce(0) { $0 + $1.estimatedBytes }
            + distincts.reduce(0) { $0 + $1.estimatedBytes } + edges.reduce(0) { $0 + $1.estimatedBytes }
            + collects.reduce(0) { $0 + $1.estimatedBytes } + presentCounts.reduce(0) { $0 + $1.estimatedBytes }
    }
}

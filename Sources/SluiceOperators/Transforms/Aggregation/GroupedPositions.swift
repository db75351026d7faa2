/// Where each group's entries sit in an accumulator's flat per-entry arrays (medians, lists,
/// distinct pairs), in entry order: a stable counting sort of the entry indices by group.
///
/// Exporting a spilled state asks for the entries of groups in an order of its own (one hash
/// partition after another), so the positions are sorted once and then read a group at a time.
/// Four bytes per entry: an accumulator holding more than `UInt32.max` entries cannot spill.
struct GroupedPositions: Sendable {
    /// Group `g`'s entries are `positions[starts[g]..<starts[g + 1]]`.
    private let starts: [Int]
    private let positions: [UInt32]

    /// Sorts `count` entries, entry `i` of group `groupOf(i)` (below `groupCount`).
    init(count: Int, groupCount: Int, groupOf: (Int) -> Int) throws(AggregateSpillError) {
        guard count <= Int(UInt32.max) else { throw AggregateSpillError.tooManyValues(count) }
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for i in 0..<count { starts[groupOf(i) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var next = starts
        var positions = [UInt32](repeating: 0, count: count)
        for i in 0..<count {
            let g = groupOf(i)
            positions[next[g]] = UInt32(truncatingIfNeeded: i)
            next[g] += 1
        }
        self.starts = starts
        self.positions = positions
    }

    /// The entries of group `group`, in entry order.
    func of(_ group: Int) -> ArraySlice<UInt32> {
        positions[starts[group]..<starts[group + 1]]
    }
}

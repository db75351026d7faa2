import SluiceCore

/// Per-group counts of non-null values, as SQL's `count(x)` (the `countNonNull`
/// aggregation): null and absent cells are not counted, every other value is (NaN, empty
/// text, `false` and `0` included). A field a batch lacks adds nothing.
struct PresentCountAccumulator: Sendable {
    private var counts: [Int] = []

    /// Makes room for `groups` groups.
    mutating func grow(to groups: Int) {
        if counts.count < groups { counts.append(contentsOf: repeatElement(0, count: groups - counts.count)) }
    }

    /// Counts the present cells of `column` in their rows' groups.
    mutating func consume(_ column: Column, groups: [Int32]) {
        let values: [Value]?
        if case .values(let stored) = column.storage { values = stored } else { values = nil }
        counts.withUnsafeMutableBufferPointer { counts in
            switch (column.presence, values) {
            case (let presence?, let values?):
                for row in groups.indices where presence[row] == .present && !values[row].isNull { counts[Int(groups[row])] += 1 }
            case (let presence?, nil):
                for row in groups.indices where presence[row] == .present { counts[Int(groups[row])] += 1 }
            case (nil, let values?):
                for row in groups.indices where !values[row].isNull { counts[Int(groups[row])] += 1 }
            case (nil, nil):
                for group in groups { counts[Int(group)] += 1 }
            }
        }
    }

    /// Adds the count of group `from` of `other` into group `group`.
    mutating func merge(_ other: PresentCountAccumulator, group from: Int, into group: Int) {
        counts[group] += other.counts[from]
    }

    /// The number of non-null values in group `group`.
    func count(_ group: Int) -> Int { counts[group] }

    /// The counts of `groups`, in that order, as one column.
    func partialColumns(_ groups: [Int]) -> [Column] { [Column(storage: .ints(gatherElements(counts, groups)))] }

    /// Adds counts written by ``partialColumns(_:)`` (`columns` from its first), row `r` into
    /// group `targets[r]`.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let partial = try PartialColumn.ints(columns[columns.startIndex], rows: targets.count)
        for (row, target) in targets.enumerated() { counts[Int(target)] += partial[row] }
    }

    /// The bytes held: a count per group.
    var estimatedBytes: Int { counts.capacity * 8 }
}

import SluiceCore

/// Per-group lists of every value in input order, nulls included (DuckDB's `list`, which
/// keeps NULLs; a null or absent cell becomes `null` in the list).
///
/// Like ``MedianAccumulator``, all values sit in one flat array with a parallel array of group
/// numbers (no array per group while consuming); ``lists(groupCount:)`` splits them with a
/// stable counting sort, so each list keeps input order.
struct CollectAccumulator: Sendable {
    private var values: [Value] = []
    private var groups: [Int32] = []
    /// The heap bytes of the values held (long strings, arrays, objects).
    private var heldBytes = 0

    /// Keeps every cell of `column` (null for a missing column) with its row's group.
    mutating func consume(_ column: Column?, groups rowGroups: [Int32]) {
        values.reserveCapacity(values.count + rowGroups.count)
        groups.append(contentsOf: rowGroups)
        guard let column else {
            values.append(contentsOf: repeatElement(.null, count: rowGroups.count))
            return
        }
        for row in 0..<rowGroups.count {
            let value = column.value(at: row)
            heldBytes += value.heapBytes
            values.append(value)
        }
    }

    /// Adds the values of `other` (later input) after this state's, its group `g` becoming
    /// group `targets[g]`.
    mutating func merge(_ other: CollectAccumulator, targets: [Int]) {
        values.append(contentsOf: other.values)
        for group in other.groups { groups.append(Int32(truncatingIfNeeded: targets[Int(group)])) }
        heldBytes += other.heldBytes
    }

    /// The list of each of `groupCount` groups; null for a group without rows (an ungrouped
    /// aggregate of no input), as SQL's `list` of no rows.
    func lists(groupCount: Int) -> [Value] {
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for group in groups { starts[Int(group) + 1] += 1 }
        var lists: [[Value]] = (0..<groupCount).map { group in
            var list: [Value] = []
            list.reserveCapacity(starts[group + 1])
            return list
        }
        for (value, group) in zip(values, groups) { lists[Int(group)].append(value) }
        return lists.map { $0.isEmpty ? .null : .array($0) }
    }

    /// The bytes held: values, their group numbers and their heap text.
    var estimatedBytes: Int { values.capacity * MemoryLayout<Value>.stride + groups.capacity * 4 + heldBytes }

    /// The number of values held.
    var valueCount: Int { values.count }

    /// Where each of `groupCount` groups' values sit, for ``partialColumns(_:_:)``.
    func positions(groupCount: Int) throws(AggregateSpillError) -> GroupedPositions {
        try GroupedPositions(count: groups.count, groupCount: groupCount) { Int(groups[$0]) }
    }

    /// The lists of `groups` so far, in that order, as one column of lists (empty for a
    /// group without rows).
    func partialColumns(_ groups: [Int], _ positions: GroupedPositions) -> [Column] {
        let lists = groups.map { group in Value.array(positions.of(group).map { values[Int($0)] }) }
        return [Column(storage: .values(lists))]
    }

    /// Appends the lists written by ``partialColumns(_:_:)`` (`columns` from its first), from
    /// later input than this state's, row `r` to group `targets[r]`.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let column = columns[columns.startIndex]
        for (row, target) in targets.enumerated() {
            let list = try PartialColumn.list(column, row: row, of: targets.count)
            values.append(contentsOf: list)
            groups.append(contentsOf: repeatElement(target, count: list.count))
            for value in list { heldBytes += value.heapBytes }
        }
    }
}

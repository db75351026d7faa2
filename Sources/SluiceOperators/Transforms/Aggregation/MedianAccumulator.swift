import SluiceCore

/// Per-group exact medians, as DuckDB's `median`: the middle value, or the mean of the two
/// middle values for an even count; and percentiles, as its `quantile_cont`.
///
/// An exact median needs every value. Rather than one array per group (an allocation and
/// ~40 bytes of overhead each, which dominates with many small groups), all values sit in one
/// flat array with a parallel array of group numbers: 12 bytes per value. ``medians(groupCount:)``
/// brings each group's values together with a counting sort and selects its middle in linear
/// time.
struct MedianAccumulator: Sendable {
    private var values: [Double] = []
    private var groups: [Int32] = []

    /// Keeps the numeric cells of `column` (ints, doubles, numeric strings; NaN is skipped, as
    /// the sums skip it) with their rows' groups.
    mutating func consume(_ column: Column, groups rowGroups: [Int32]) {
        forEachNumber(
            in: column, groups: rowGroups,
            int: { self.add(Double($1), to: $0) }, double: { self.add($1, to: $0) }, parsed: { self.add($1.double, to: $0) })
    }

    @inline(__always)
    private mutating func add(_ value: Double, to group: Int) {
        guard !value.isNaN else { return }
        values.append(value)
        groups.append(Int32(truncatingIfNeeded: group))
    }

    /// Adds the values of `other`, its group `g` becoming group `targets[g]`.
    mutating func merge(_ other: MedianAccumulator, targets: [Int]) {
        // No exact reserveCapacity here: merges come one per block, and growing to the exact
        // size each time would copy everything held on every merge.
        values.append(contentsOf: other.values)
        for group in other.groups { groups.append(Int32(truncatingIfNeeded: targets[Int(group)])) }
    }

    /// The bytes held: values and their group numbers.
    var estimatedBytes: Int { values.capacity * 8 + groups.capacity * 4 }

    /// The number of values held.
    var valueCount: Int { values.count }

    /// Where each of `groupCount` groups' values sit, for ``partialColumns(_:_:)``.
    func positions(groupCount: Int) throws(AggregateSpillError) -> GroupedPositions {
        try GroupedPositions(count: groups.count, groupCount: groupCount) { Int(groups[$0]) }
    }

    /// The values of `groups`, in that order, as one column of lists (each in input order, so
    /// the values reach the median selection in the order one run gives it).
    func partialColumns(_ groups: [Int], _ positions: GroupedPositions) -> [Column] {
        let lists = groups.map { group in Value.array(positions.of(group).map { .double(values[Int($0)]) }) }
        return [Column(storage: .values(lists))]
    }

    /// Adds the values written by ``partialColumns(_:_:)`` (`columns` from its first), from
    /// later input than this state's, row `r` into group `targets[r]`.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let column = columns[columns.startIndex]
        for (row, target) in targets.enumerated() {
            for item in try PartialColumn.list(column, row: row, of: targets.count) {
                guard case .double(let value) = item else { throw AggregateSpillError.malformed("median") }
                add(value, to: Int(target))
            }
        }
    }

    /// The values brought together by group: group `g`'s values are
    /// `values[starts[g]..<starts[g + 1]]`, in no particular order.
    struct Grouped: Sendable {
        var values: [Double]
        let starts: [Int]

        /// The median of group `group`; null for a group without values.
        mutating func median(_ group: Int) -> Value {
            let range = starts[group]..<starts[group + 1]
            return values.withUnsafeMutableBufferPointer { all in
                MedianAccumulator.median(UnsafeMutableBufferPointer(rebasing: all[range])).map(Value.double) ?? .null
            }
        }

        /// The interpolated quantile `p` of group `group`; null for a group without values.
        mutating func quantile(_ p: Double, of group: Int) -> Value {
            let range = starts[group]..<starts[group + 1]
            return values.withUnsafeMutableBufferPointer { all in
                MedianAccumulator.quantile(p, UnsafeMutableBufferPointer(rebasing: all[range])).map(Value.double) ?? .null
            }
        }
    }

    /// The values of `groupCount` groups brought together with a counting sort by group.
    func grouped(groupCount: Int) -> Grouped {
        // Counting sort by group: starts[g] ..< starts[g + 1] will hold group g's values.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for group in groups { starts[Int(group) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var sorted = [Double](repeating: 0, count: values.count)
        var next = starts
        for (value, group) in zip(values, groups) {
            sorted[next[Int(group)]] = value
            next[Int(group)] += 1
        }
        return Grouped(values: sorted, starts: starts)
    }

    /// The median of each of `groupCount` groups; null for a group without values.
    func medians(groupCount: Int) -> [Value] {
        var table = grouped(groupCount: groupCount)
        return (0..<groupCount).map { table.median($0) }
    }

    /// The quantile `p` of `values` (reordered in place) as DuckDB's `quantile_cont` has it:
    /// position `(n - 1) * p` in sorted order, interpolated linearly between its neighbours;
    /// `nil` when empty.
    static func quantile(_ p: Double, _ values: UnsafeMutableBufferPointer<Double>) -> Double? {
        let n = values.count
        guard n > 0 else { return nil }
        let position = Double(n - 1) * p
        let k = Swift.min(n - 1, Swift.max(0, Int(position.rounded(.down))))
        select(values, k)
        let lower = values[k]
        let fraction = position - Double(k)
        guard fraction > 0, k + 1 < n else { return lower }
        var upper = values[k + 1]
        for i in (k + 1)..<n where values[i] < upper { upper = values[i] }
        return lower + fraction * (upper - lower)
    }

    /// The median of `values` (reordered in place), `nil` when empty.
    static func median(_ values: UnsafeMutableBufferPointer<Double>) -> Double? {
        let n = values.count
        guard n > 0 else { return nil }
        let k = (n - 1) / 2
        select(values, k)
        let lower = values[k]
        guard n % 2 == 0 else { return lower }
        // After selection everything right of k is at least values[k]; the upper middle is their minimum.
        var upper = values[k + 1]
        for i in (k + 2)..<n where values[i] < upper { upper = values[i] }
        let mean = (lower + upper) / 2
        return mean.isFinite ? mean : lower / 2 + upper / 2
    }

    /// Reorders `a` so that `a[k]` holds the value a full sort would put there, with nothing
    /// greater before it and nothing smaller after it (Hoare's selection with a median-of-three
    /// pivot: linear time on average, and on sorted or constant input).
    static func select(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) {
        var lo = 0
        var hi = a.count - 1
        while hi - lo > 16 {
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo
            var j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now a[lo...j] <= pivot <= a[i...hi], and anything between equals the pivot.
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
        // Insertion sort finishes a short range.
        if hi > lo {
            for i in (lo + 1)...hi {
                let x = a[i]
                var j = i - 1
                while j >= lo, a[j] > x {
                    a[j + 1] = a[j]
                    j -= 1
                }
                a[j + 1] = x
            }
        }
    }
}

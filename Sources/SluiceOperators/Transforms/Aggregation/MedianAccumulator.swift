import SluiceCore

/// Per-group exact medians, as DuckDB's `median`: the middle value, or the mean of the two
/// middle values for an even count; and percentiles, as its `quantile_cont`.
///
/// An exact median needs every value. Rather than one array per group (an allocation and
/// ~40 bytes of overhead each, which dominates with many small groups), all values sit in one
/// flat array with a parallel array of group numbers: 12 bytes per value. ``medians(groupCount:)``
/// brings each group's values together with a counting sort and selects its middle in linear
/// time.
///
/// States merged in (one per block of a parallel read) are kept as they are, as ``Piece``s,
/// instead of being appended: appending would copy every value held so far each time the
/// arrays grow, on the one thread that merges. The counting sort reads the pieces directly.
struct MedianAccumulator: Sendable {
    private var values: [Double] = []
    private var groups: [Int32] = []
    /// Values merged from other states, in merge order after ``values``.
    private var pieces: [Piece] = []

    /// Another state's values: value `i` belongs to group `targets[groups[i]]` of this one.
    private struct Piece: Sendable {
        let values: [Double]
        let groups: [Int32]
        let targets: [Int32]
    }

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

    /// Adds the values of `other`, its group `g` becoming group `targets[g]` (kept as pieces,
    /// not copied).
    mutating func merge(_ other: MedianAccumulator, targets: [Int]) {
        let map = targets.map { Int32(truncatingIfNeeded: $0) }
        if !other.values.isEmpty { pieces.append(Piece(values: other.values, groups: other.groups, targets: map)) }
        for piece in other.pieces {
            pieces.append(Piece(values: piece.values, groups: piece.groups, targets: piece.targets.map { map[Int($0)] }))
        }
    }

    /// Moves the merged pieces' values into the flat arrays (before spilling, which reads them
    /// by position).
    mutating func compact() {
        guard !pieces.isEmpty else { return }
        values.reserveCapacity(valueCount)
        groups.reserveCapacity(valueCount)
        for piece in pieces {
            values.append(contentsOf: piece.values)
            for group in piece.groups { groups.append(piece.targets[Int(group)]) }
        }
        pieces = []
    }

    /// The bytes held: values and their group numbers.
    var estimatedBytes: Int {
        pieces.reduce(values.capacity * 8 + groups.capacity * 4) { $0 + $1.values.capacity * 8 + $1.groups.capacity * 4 + $1.targets.count * 4 }
    }

    /// The number of values held.
    var valueCount: Int { pieces.reduce(values.count) { $0 + $1.values.count } }

    /// Where each of `groupCount` groups' values sit, for ``partialColumns(_:_:)`` (of a
    /// compacted state: see ``compact()``).
    func positions(groupCount: Int) throws(AggregateSpillError) -> GroupedPositions {
        var flat = self
        flat.compact()
        return try GroupedPositions(count: flat.groups.count, groupCount: groupCount) { Int(flat.groups[$0]) }
    }

    /// The values of `groups`, in that order, as one column of lists (each in input order, so
    /// the values reach the median selection in the order one run gives it).
    func partialColumns(_ groups: [Int], _ positions: GroupedPositions) -> [Column] {
        var flat = self
        flat.compact()
        let values = flat.values
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

    /// The values of `groupCount` groups brought together with a counting sort by group
    /// (the flat values, then the merged pieces').
    func grouped(groupCount: Int) -> Grouped {
        // Counting sort by group: starts[g] ..< starts[g + 1] will hold group g's values.
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for group in groups { starts[Int(group) + 1] += 1 }
        for piece in pieces {
            for group in piece.groups { starts[Int(piece.targets[Int(group)]) + 1] += 1 }
        }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var next = starts
        let total = starts[groupCount]
        let sorted = [Double](unsafeUninitializedCapacity: total) { out, initialized in
            next.withUnsafeMutableBufferPointer { next in
                for (value, group) in zip(values, groups) {
                    out.initializeElement(at: next[Int(group)], to: value)
                    next[Int(group)] += 1
                }
                for piece in pieces {
                    piece.targets.withUnsafeBufferPointer { targets in
                        for (value, group) in zip(piece.values, piece.groups) {
                            let target = Int(targets[Int(group)])
                            out.initializeElement(at: next[target], to: value)
                            next[target] += 1
                        }
                    }
                }
            }
            initialized = total
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
        let (lower, next) = OrderStatistics.pair(values, k)
        let fraction = position - Double(k)
        guard fraction > 0, let upper = next else { return lower }
        return lower + fraction * (upper - lower)
    }

    /// The median of `values` (reordered in place), `nil` when empty.
    static func median(_ values: UnsafeMutableBufferPointer<Double>) -> Double? {
        let n = values.count
        guard n > 0 else { return nil }
        let k = (n - 1) / 2
        let (lower, next) = OrderStatistics.pair(values, k)
        guard n % 2 == 0, let upper = next else { return lower }
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

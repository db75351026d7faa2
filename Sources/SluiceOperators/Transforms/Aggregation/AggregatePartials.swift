import SluiceCore

/// An aggregate's spilled partial state could not be written, or did not read back as written.
enum AggregateSpillError: Error, CustomStringConvertible {
    /// A partial batch lacked the column layout of the state that wrote it.
    case malformed(String)
    /// One accumulator held more values than a spill can index.
    case tooManyValues(Int)

    var description: String {
        switch self {
        case .malformed(let part):
            return "internal error: a spilled aggregate state (\(part)) did not read back as written"
        case .tooManyValues(let count):
            return "an aggregate holds \(count) values in one accumulator, more than it can spill; raise MAX_MEMORY_MB"
        }
    }
}

/// Reads exported partial columns back by the storage they were written with.
enum PartialColumn {
    static func ints(_ column: Column, rows: Int) throws(AggregateSpillError) -> [Int] {
        guard case .ints(let values) = column.storage, values.count == rows else { throw .malformed("integer column") }
        return values
    }

    static func doubles(_ column: Column, rows: Int) throws(AggregateSpillError) -> [Double] {
        guard case .doubles(let values) = column.storage, values.count == rows else { throw .malformed("double column") }
        return values
    }

    static func bools(_ column: Column, rows: Int) throws(AggregateSpillError) -> [Bool] {
        guard case .bools(let values) = column.storage, values.count == rows else { throw .malformed("boolean column") }
        return values
    }

    /// The list in row `row` of a list column of `rows` rows.
    static func list(_ column: Column, row: Int, of rows: Int) throws(AggregateSpillError) -> [Value] {
        guard column.count == rows, case .array(let items) = column.value(at: row) else { throw .malformed("list column") }
        return items
    }
}

/// What exporting a state's partials needs once per export: where each group's entries sit
/// in the accumulators that keep lists (medians, distinct values, collected values).
struct PartialPositions {
    let medians: [GroupedPositions]
    let distincts: [GroupedPositions]
    let collects: [GroupedPositions]
}

/// Partial states as columns: every accumulator of an ``AggregateState`` exports what it holds
/// for a list of groups, one row per group, and merges such rows back in. The columns are, in
/// order: the row count; per sum, five; per extreme, one; per median, a list of values; per
/// deviation, four; per distinct count, a list of values; per non-null count, one; per first
/// or last, two; per collect, a list. Numbers stay typed, lists are `[Value]` columns.
extension AggregateState {
    /// The number of partial columns for this state's accumulators.
    var partialColumnCount: Int {
        1 + sums.count * SumAccumulator.partialColumnCount + extremes.count + medians.count
            + deviations.count * DeviationAccumulator.partialColumnCount + distincts.count + presentCounts.count
            + edges.count * 2 + collects.count
    }

    /// Sorts the list-keeping accumulators' entries by group, for ``partialColumns(_:_:)``.
    func partialPositions() throws(AggregateSpillError) -> PartialPositions {
        var medianPositions: [GroupedPositions] = []
        for median in medians { medianPositions.append(try median.positions(groupCount: groupCount)) }
        var distinctPositions: [GroupedPositions] = []
        for distinct in distincts { distinctPositions.append(try distinct.positions(groupCount: groupCount)) }
        var collectPositions: [GroupedPositions] = []
        for collect in collects { collectPositions.append(try collect.positions(groupCount: groupCount)) }
        return PartialPositions(medians: medianPositions, distincts: distinctPositions, collects: collectPositions)
    }

    /// The partial state of `groups`, in that order, as ``partialColumnCount`` columns.
    func partialColumns(_ groups: [Int], _ positions: PartialPositions) -> [Column] {
        var columns = [Column(storage: .ints(gatherElements(rowCounts, groups)))]
        columns.reserveCapacity(partialColumnCount)
        for sum in sums { columns += sum.partialColumns(groups) }
        for extreme in extremes { columns += extreme.partialColumns(groups) }
        for (median, at) in zip(medians, positions.medians) { columns += median.partialColumns(groups, at) }
        for deviation in deviations { columns += deviation.partialColumns(groups) }
        for (distinct, at) in zip(distincts, positions.distincts) { columns += distinct.partialColumns(groups, at) }
        for present in presentCounts { columns += present.partialColumns(groups) }
        for edge in edges { columns += edge.partialColumns(groups) }
        for (collect, at) in zip(collects, positions.collects) { columns += collect.partialColumns(groups, at) }
        return columns
    }

    /// Merges partial rows (``partialColumnCount`` columns of `columns` from `start`), from
    /// input later than what this state holds for those groups, row `r` into group
    /// `targets[r]`; the groups must exist (``growAccumulators()`` called).
    mutating func mergePartials(_ columns: [Column], from start: Int, targets: [Int32]) throws(AggregateSpillError) {
        guard columns.count - start == partialColumnCount else { throw .malformed("column count") }
        var at = start
        /// The next `count` columns.
        func take(_ count: Int) -> ArraySlice<Column> {
            defer { at += count }
            return columns[at..<at + count]
        }
        let counts = try PartialColumn.ints(columns[at], rows: targets.count)
        at += 1
        rowCounts.withUnsafeMutableBufferPointer { rowCounts in
            for (row, target) in targets.enumerated() { rowCounts[Int(target)] += counts[row] }
        }
        for i in sums.indices { try sums[i].mergePartials(take(SumAccumulator.partialColumnCount), targets: targets) }
        for i in extremes.indices { try extremes[i].mergePartials(take(1), targets: targets) }
        for i in medians.indices { try medians[i].mergePartials(take(1), targets: targets) }
        for i in deviations.indices {
            try deviations[i].mergePartials(take(DeviationAccumulator.partialColumnCount), targets: targets)
        }
        for i in distincts.indices { try distincts[i].mergePartials(take(1), targets: targets) }
        for i in presentCounts.indices { try presentCounts[i].mergePartials(take(1), targets: targets) }
        for i in edges.indices { try edges[i].mergePartials(take(2), targets: targets) }
        for i in collects.indices { try collects[i].mergePartials(take(1), targets: targets) }
    }
}

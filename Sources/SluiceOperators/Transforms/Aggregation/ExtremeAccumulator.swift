import SluiceCore

/// Per-group running minimum or maximum, keeping the winner's kind (an int stays an int).
struct ExtremeAccumulator: Sendable {
    private enum Kind: UInt8, Sendable { case none, int, double }

    /// `true` for `max`, `false` for `min`.
    let isMax: Bool
    private var kinds: [Kind] = []
    private var integers: [Int] = []
    private var doubles: [Double] = []

    init(isMax: Bool) {
        self.isMax = isMax
    }

    /// Makes room for `groups` groups.
    mutating func grow(to groups: Int) {
        let more = groups - kinds.count
        guard more > 0 else { return }
        kinds.append(contentsOf: repeatElement(.none, count: more))
        integers.append(contentsOf: repeatElement(0, count: more))
        doubles.append(contentsOf: repeatElement(0, count: more))
    }

    @inline(__always)
    mutating func add(_ value: Int, to group: Int) {
        let wins: Bool
        switch kinds[group] {
        case .none: wins = true
        case .int: wins = isMax ? value > integers[group] : value < integers[group]
        case .double: wins = isMax ? Double(value) > doubles[group] : Double(value) < doubles[group]
        }
        if wins {
            kinds[group] = .int
            integers[group] = value
        }
    }

    @inline(__always)
    mutating func add(_ value: Double, to group: Int) {
        guard !value.isNaN else { return }
        let wins: Bool
        switch kinds[group] {
        case .none: wins = true
        case .int: wins = isMax ? value > Double(integers[group]) : value < Double(integers[group])
        case .double: wins = isMax ? value > doubles[group] : value < doubles[group]
        }
        if wins {
            kinds[group] = .double
            doubles[group] = value
        }
    }

    @inline(__always)
    mutating func add(_ number: ParsedNumber, to group: Int) {
        switch number {
        case .int(let i): add(i, to: group)
        case .double(let d): add(d, to: group)
        }
    }

    /// Feeds the numeric cells of `column` (ints, doubles, numeric strings) to their rows' groups.
    mutating func consume(_ column: Column, groups: [Int32]) {
        forEachNumber(in: column, groups: groups,
            int: { self.add($1, to: $0) }, double: { self.add($1, to: $0) }, parsed: { self.add($1, to: $0) })
    }

    /// The group's extreme, or null when it had no numeric value.
    func result(_ group: Int) -> Value {
        switch kinds[group] {
        case .none: return .null
        case .int: return .int(integers[group])
        case .double: return .double(doubles[group])
        }
    }

    /// The bytes held: a kind and two words per group.
    var estimatedBytes: Int { kinds.capacity + integers.capacity * 8 + doubles.capacity * 8 }

    /// Offers group `from` of `other` to group `group`.
    mutating func merge(_ other: ExtremeAccumulator, group from: Int, into group: Int) {
        switch other.kinds[from] {
        case .none: break
        case .int: add(other.integers[from], to: group)
        case .double: add(other.doubles[from], to: group)
        }
    }

    /// The extremes of `groups` so far, in that order, as one column (null where none).
    func partialColumns(_ groups: [Int]) -> [Column] {
        var builder = ColumnBuilder(capacity: groups.count)
        for group in groups { builder.append(result(group)) }
        return [builder.build()]
    }

    /// Offers extremes written by ``partialColumns(_:)`` (`columns` from its first), row `r`
    /// to group `targets[r]`; offered in input order, ties keep the earlier value as one run does.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let column = columns[columns.startIndex]
        guard column.count == targets.count else { throw AggregateSpillError.malformed("extreme") }
        for (row, target) in targets.enumerated() {
            switch column.value(at: row) {
            case .null: break
            case .int(let i): add(i, to: Int(target))
            case .double(let d): add(d, to: Int(target))
            default: throw AggregateSpillError.malformed("extreme")
            }
        }
    }
}

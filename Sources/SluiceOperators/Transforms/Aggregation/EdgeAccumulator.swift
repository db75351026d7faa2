import SluiceCore

/// Per-group value of the first or last row in input order, null included (DuckDB's `first`
/// and `last`): a null or absent cell in the group's first row makes `first` null.
///
/// A batch is scanned forward for `first` and backward for `last`, so each group's value is
/// built once per batch rather than once per row (a `String` per row would dominate).
struct EdgeAccumulator: Sendable {
    /// `true` for `last`, `false` for `first`.
    let isLast: Bool
    private var values: [Value] = []
    private var isSet: [Bool] = []
    /// For `last`: the batch in which each group's value was last taken.
    private var stamps: [Int] = []
    private var batchNumber = 0
    /// The heap bytes of the values held (long strings, arrays, objects).
    private var heldBytes = 0

    init(isLast: Bool) {
        self.isLast = isLast
    }

    /// Makes room for `groups` groups.
    mutating func grow(to groups: Int) {
        let more = groups - values.count
        guard more > 0 else { return }
        values.append(contentsOf: repeatElement(.null, count: more))
        isSet.append(contentsOf: repeatElement(false, count: more))
        if isLast { stamps.append(contentsOf: repeatElement(0, count: more)) }
    }

    /// Takes the first (or last) cell of each group in `column`; a missing column is null in every row.
    mutating func consume(_ column: Column?, groups: [Int32]) {
        if isLast {
            batchNumber += 1
            for row in stride(from: groups.count - 1, through: 0, by: -1) {
                let group = Int(groups[row])
                guard stamps[group] != batchNumber else { continue }
                stamps[group] = batchNumber
                set(group, column?.value(at: row) ?? .null)
            }
        } else {
            for row in 0..<groups.count where !isSet[Int(groups[row])] {
                set(Int(groups[row]), column?.value(at: row) ?? .null)
            }
        }
    }

    @inline(__always)
    private mutating func set(_ group: Int, _ value: Value) {
        heldBytes += value.heapBytes - values[group].heapBytes
        values[group] = value
        isSet[group] = true
    }

    /// Combines group `from` of `other`, built from later input, into group `group`: `first`
    /// keeps its own value when it has one, `last` takes the other's when that has one.
    mutating func merge(_ other: EdgeAccumulator, group from: Int, into group: Int) {
        guard other.isSet[from], isLast || !isSet[group] else { return }
        set(group, other.values[from])
    }

    /// The group's value; null when the group had no rows.
    func result(_ group: Int) -> Value { values[group] }

    /// The values of `groups`, in that order, and whether each group has one yet: two columns.
    func partialColumns(_ groups: [Int]) -> [Column] {
        var builder = ColumnBuilder(capacity: groups.count)
        for group in groups { builder.append(values[group]) }
        return [builder.build(), Column(storage: .bools(gatherElements(isSet, groups)))]
    }

    /// Combines values written by ``partialColumns(_:)`` (`columns` from its first), from later
    /// input than this state's, row `r` into group `targets[r]`, as ``merge(_:group:into:)`` does.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let start = columns.startIndex
        let column = columns[start]
        let partialIsSet = try PartialColumn.bools(columns[start + 1], rows: targets.count)
        guard column.count == targets.count else { throw AggregateSpillError.malformed("first/last") }
        for (row, target) in targets.enumerated() where partialIsSet[row] && (isLast || !isSet[Int(target)]) {
            set(Int(target), column.value(at: row))
        }
    }

    /// The bytes held: a value, a flag and (for `last`) a stamp per group, plus heap text.
    var estimatedBytes: Int {
        values.capacity * MemoryLayout<Value>.stride + isSet.capacity + stamps.capacity * 8 + heldBytes
    }
}

import SluiceCore

/// Per-group running sums for `sum` and `avg`, as parallel arrays indexed by group.
///
/// Integers are summed exactly while they fit; a double, or an integer sum that would
/// overflow, turns the group's result into a double. Doubles are summed with Neumaier's
/// compensation, so long columns of cents do not drift (ten times 0.1 gives 1.0, not
/// 0.9999999999999999) and large and small values do not cancel each other out.
struct SumAccumulator: Sendable {
    private var integerSums: [Int] = []
    private var doubleSums: [Double] = []
    /// The low-order bits lost by each group's running double sum.
    private var compensations: [Double] = []
    /// Numeric values seen per group (the divisor of `avg`).
    private var counts: [Int] = []
    /// Whether the group's sum is a double (a double was added, or the integers overflowed).
    private var isDouble: [Bool] = []

    /// Makes room for `groups` groups.
    mutating func grow(to groups: Int) {
        let more = groups - counts.count
        guard more > 0 else { return }
        integerSums.append(contentsOf: repeatElement(0, count: more))
        doubleSums.append(contentsOf: repeatElement(0, count: more))
        compensations.append(contentsOf: repeatElement(0, count: more))
        counts.append(contentsOf: repeatElement(0, count: more))
        isDouble.append(contentsOf: repeatElement(false, count: more))
    }

    @inline(__always)
    mutating func add(_ value: Int, to group: Int) {
        let (sum, overflow) = integerSums[group].addingReportingOverflow(value)
        if overflow {
            addCompensated(Double(value), to: group)
            isDouble[group] = true
        } else {
            integerSums[group] = sum
        }
        counts[group] += 1
    }

    /// Neumaier's step: add `value` and keep what rounding lost.
    @inline(__always)
    private mutating func addCompensated(_ value: Double, to group: Int) {
        let sum = doubleSums[group]
        let total = sum + value
        if abs(sum) >= abs(value) {
            compensations[group] += (sum - total) + value
        } else {
            compensations[group] += (value - total) + sum
        }
        doubleSums[group] = total
    }

    @inline(__always)
    mutating func add(_ value: Double, to group: Int) {
        guard !value.isNaN else { return }
        addCompensated(value, to: group)
        isDouble[group] = true
        counts[group] += 1
    }

    @inline(__always)
    mutating func add(_ number: ParsedNumber, to group: Int) {
        switch number {
        case .int(let i): add(i, to: group)
        case .double(let d): add(d, to: group)
        }
    }

    /// Adds the numeric cells of `column` (ints, doubles, numeric strings) to their rows' groups.
    mutating func consume(_ column: Column, groups: [Int32]) {
        forEachNumber(in: column, groups: groups,
            int: { self.add($1, to: $0) }, double: { self.add($1, to: $0) }, parsed: { self.add($1, to: $0) })
    }

    /// The group's sum: an int while every value was an int and the total fits, 0 for none.
    func sum(_ group: Int) -> Value {
        isDouble[group] ? .double(total(group)) : .int(integerSums[group])
    }

    /// The group's mean, or null when it had no numeric value.
    func average(_ group: Int) -> Value {
        guard counts[group] > 0 else { return .null }
        return .double(total(group) / Double(counts[group]))
    }

    /// The integer part, the running double sum and its compensation, added last.
    private func total(_ group: Int) -> Double {
        Double(integerSums[group]) + (doubleSums[group] + compensations[group])
    }

    /// The bytes held: five words per group.
    var estimatedBytes: Int {
        integerSums.capacity * 8 + doubleSums.capacity * 8 + compensations.capacity * 8 + counts.capacity * 8 + isDouble.capacity
    }

    /// Adds group `from` of `other` into group `group`.
    mutating func merge(_ other: SumAccumulator, group from: Int, into group: Int) {
        combine(
            integer: other.integerSums[from], double: other.doubleSums[from], compensation: other.compensations[from],
            count: other.counts[from], isDouble: other.isDouble[from], into: group)
    }

    /// Adds one partial sum into group `group`. Into a group with nothing yet, the partial is
    /// taken as it is, so a group whose values all came in one part sums exactly as in one run.
    private mutating func combine(integer: Int, double: Double, compensation: Double, count: Int, isDouble: Bool, into group: Int) {
        let (sum, overflow) = integerSums[group].addingReportingOverflow(integer)
        if overflow {
            addCompensated(Double(integer), to: group)
            self.isDouble[group] = true
        } else {
            integerSums[group] = sum
        }
        addCompensated(double, to: group)
        compensations[group] += compensation
        self.isDouble[group] = self.isDouble[group] || isDouble
        counts[group] += count
    }

    /// The partial sums of `groups`, in that order, as five columns: the integer sum, the
    /// double sum, its compensation, the count of values and whether the sum is a double.
    func partialColumns(_ groups: [Int]) -> [Column] {
        [
            Column(storage: .ints(gatherElements(integerSums, groups))),
            Column(storage: .doubles(gatherElements(doubleSums, groups))),
            Column(storage: .doubles(gatherElements(compensations, groups))),
            Column(storage: .ints(gatherElements(counts, groups))),
            Column(storage: .bools(gatherElements(isDouble, groups))),
        ]
    }

    /// The number of columns ``partialColumns(_:)`` gives.
    static let partialColumnCount = 5

    /// Adds partial sums written by ``partialColumns(_:)`` (`columns` from its first), row `r`
    /// into group `targets[r]`.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let start = columns.startIndex
        let integers = try PartialColumn.ints(columns[start], rows: targets.count)
        let doubles = try PartialColumn.doubles(columns[start + 1], rows: targets.count)
        let compensations = try PartialColumn.doubles(columns[start + 2], rows: targets.count)
        let counts = try PartialColumn.ints(columns[start + 3], rows: targets.count)
        let isDouble = try PartialColumn.bools(columns[start + 4], rows: targets.count)
        for (row, target) in targets.enumerated() {
            combine(
                integer: integers[row], double: doubles[row], compensation: compensations[row], count: counts[row],
                isDouble: isDouble[row], into: Int(target))
        }
    }
}

/// Calls the matching closure with (group, number) for every numeric cell of `column`.
///
/// Shared by the accumulators so each typed layout has one tight loop: ints and doubles read
/// straight from storage, text is parsed from its bytes, booleans are skipped.
@inline(__always)
func forEachNumber(
    in column: Column, groups: [Int32],
    int: (Int, Int) -> Void, double: (Int, Double) -> Void, parsed: (Int, ParsedNumber) -> Void
) {
    let rows = groups.count
    switch column.storage {
    case .ints(let a):
        if let presence = column.presence {
            for row in 0..<rows where presence[row] == .present { int(Int(groups[row]), a[row]) }
        } else {
            for row in 0..<rows { int(Int(groups[row]), a[row]) }
        }
    case .doubles(let a):
        if let presence = column.presence {
            for row in 0..<rows where presence[row] == .present { double(Int(groups[row]), a[row]) }
        } else {
            for row in 0..<rows { double(Int(groups[row]), a[row]) }
        }
    case .text(let t):
        t.bytes.withUnsafeBytes { bytes in
            for row in 0..<rows where column.isPresent(row) {
                if let number = NumberText.parse(UnsafeRawBufferPointer(rebasing: bytes[t.range(row)])) {
                    parsed(Int(groups[row]), number)
                }
            }
        }
    case .dictionary(let d):
        d.dictionary.bytes.withUnsafeBytes { bytes in
            for row in 0..<rows where column.isPresent(row) {
                if let number = NumberText.parse(UnsafeRawBufferPointer(rebasing: bytes[d.dictionary.range(d.code(at: row))])) {
                    parsed(Int(groups[row]), number)
                }
            }
        }
    case .values(let a):
        for row in 0..<rows where column.isPresent(row) {
            switch a[row] {
            case .int(let i): int(Int(groups[row]), i)
            case .double(let d): double(Int(groups[row]), d)
            case .string(let s): if let number = NumberText.parse(s) { parsed(Int(groups[row]), number) }
            default: break
            }
        }
    case .bools:
        break
    }
}

import SluiceCore

/// Per-group variance and standard deviation, sample (DuckDB's `var_samp`, `stddev_samp`: null
/// for fewer than two values) or population (`var_pop`, `stddev_pop`: null for none).
///
/// While a group's values are integers (ints, and doubles with an integral value), it keeps
/// their count, sum and sum of squares exactly, in integers; the result is then the same
/// whatever order the values came in and however the input was split and merged (parallel
/// blocks, spills), and as accurate as a double can hold it. A fractional value, or a sum of
/// squares past `Int.max`, moves the group to Welford's online algorithm: a count, a running
/// mean and the sum of squared differences from it (M2), which unlike summing squares does
/// not lose everything to cancellation when the values are large and close together. Two
/// such states combine with Chan et al.'s formula, so parallel runs still merge.
struct DeviationAccumulator: Sendable {
    private var counts: [Int] = []
    /// Per group: the sum of its values while exact, the bits of its running mean once not.
    private var firsts: [UInt64] = []
    /// Per group: the sum of its values' squares while exact, the bits of its M2 once not.
    private var seconds: [UInt64] = []
    /// Whether the group has moved to Welford's running mean and M2.
    private var approximate: [Bool] = []

    /// One group's state, to merge into another: exact sums or Welford's mean and M2, as the
    /// ``DeviationAccumulator`` arrays hold them.
    struct Moments: Sendable {
        var count: Int
        var approximate: Bool
        var first: UInt64
        var second: UInt64

        /// The running mean and M2 of these moments.
        var welford: (mean: Double, m2: Double) {
            if approximate { return (Double(bitPattern: first), Double(bitPattern: second)) }
            guard count > 0 else { return (0, 0) }
            let sum = Int(bitPattern: UInt(first))
            return (Double(sum) / Double(count), DeviationAccumulator.exactM2(count, sum, Int(bitPattern: UInt(second))))
        }
    }

    /// Makes room for `groups` groups.
    mutating func grow(to groups: Int) {
        let more = groups - counts.count
        guard more > 0 else { return }
        counts.append(contentsOf: repeatElement(0, count: more))
        firsts.append(contentsOf: repeatElement(0, count: more))
        seconds.append(contentsOf: repeatElement(0, count: more))
        approximate.append(contentsOf: repeatElement(false, count: more))
    }

    /// Adds an integer: exactly while the group is exact and its sums fit.
    @inline(__always)
    mutating func add(_ value: Int, to group: Int) {
        if !approximate[group] {
            let (square, o1) = value.multipliedReportingOverflow(by: value)
            let (squares, o2) = Int(bitPattern: UInt(seconds[group])).addingReportingOverflow(square)
            let (sum, o3) = Int(bitPattern: UInt(firsts[group])).addingReportingOverflow(value)
            if !(o1 || o2 || o3) {
                counts[group] += 1
                firsts[group] = UInt64(UInt(bitPattern: sum))
                seconds[group] = UInt64(UInt(bitPattern: squares))
                return
            }
            makeApproximate(group)
        }
        addApproximately(Double(value), to: group)
    }

    @inline(__always)
    mutating func add(_ value: Double, to group: Int) {
        guard !value.isNaN else { return }
        if !approximate[group], value.rounded() == value, value.magnitude <= 9_007_199_254_740_992 {
            add(Int(value), to: group)
            return
        }
        makeApproximate(group)
        addApproximately(value, to: group)
    }

    /// Welford's step.
    @inline(__always)
    private mutating func addApproximately(_ value: Double, to group: Int) {
        let n = counts[group] + 1
        counts[group] = n
        let oldMean = Double(bitPattern: firsts[group])
        let delta = value - oldMean
        let mean = oldMean + delta / Double(n)
        firsts[group] = mean.bitPattern
        seconds[group] = (Double(bitPattern: seconds[group]) + delta * (value - mean)).bitPattern
    }

    /// Moves an exact group to Welford's mean and M2.
    private mutating func makeApproximate(_ group: Int) {
        guard !approximate[group] else { return }
        let (mean, m2) = moments(group).welford
        firsts[group] = mean.bitPattern
        seconds[group] = m2.bitPattern
        approximate[group] = true
    }

    /// Adds the numeric cells of `column` (ints, doubles, numeric strings) to their rows' groups.
    mutating func consume(_ column: Column, groups: [Int32]) {
        forEachNumber(
            in: column, groups: groups,
            int: { self.add($1, to: $0) }, double: { self.add($1, to: $0) },
            parsed: { group, number in
                switch number {
                case .int(let i): self.add(i, to: group)
                case .double(let d): self.add(d, to: group)
                }
            })
    }

    /// Which statistic a result reports.
    enum Statistic: Sendable {
        case sampleDeviation, populationDeviation, sampleVariance, populationVariance
    }

    /// The group's sample standard deviation, or null with fewer than two values.
    func result(_ group: Int) -> Value { result(group, .sampleDeviation) }

    /// The group's `statistic`: null with fewer than two values for a sample, none for a population.
    func result(_ group: Int, _ statistic: Statistic) -> Value {
        let n = counts[group]
        let sample = statistic == .sampleDeviation || statistic == .sampleVariance
        guard n >= (sample ? 2 : 1) else { return .null }
        let variance = Swift.max(0, moments(group).welford.m2) / Double(sample ? n - 1 : n)
        let isDeviation = statistic == .sampleDeviation || statistic == .populationDeviation
        return .double(isDeviation ? variance.squareRoot() : variance)
    }

    /// The sum of squared differences from the mean of `n` integers with sum `sum` and sum of
    /// squares `squares`, from exact integer arithmetic rounded once at the end.
    ///
    /// With `sum = q·n + r`, M2 = `squares − sum²/n` = `(squares − q·(sum + r)) − r²/n`; the first
    /// part is an integer, and `r²/n` splits into an integer and a fraction below one.
    static func exactM2(_ n: Int, _ sum: Int, _ squares: Int) -> Double {
        guard n > 0 else { return 0 }
        let (q, r) = sum.quotientAndRemainder(dividingBy: n)
        let (shifted, o1) = sum.addingReportingOverflow(r)
        let (product, o2) = q.multipliedReportingOverflow(by: shifted)
        let (whole, o3) = squares.subtractingReportingOverflow(product)
        let (rr, o4) = r.multipliedReportingOverflow(by: r)
        let (c, d) = rr.quotientAndRemainder(dividingBy: n)
        let (integral, o5) = whole.subtractingReportingOverflow(c)
        // Past Int's range (not reached while the sum of squares fits), fall back to doubles.
        guard !(o1 || o2 || o3 || o4 || o5) else { return Double(squares) - Double(sum) * (Double(sum) / Double(n)) }
        return Double(integral) - Double(d) / Double(n)
    }

    /// Group `group`'s state.
    func moments(_ group: Int) -> Moments {
        Moments(count: counts[group], approximate: approximate[group], first: firsts[group], second: seconds[group])
    }

    /// Combines group `from` of `other` into group `group`.
    mutating func merge(_ other: DeviationAccumulator, group from: Int, into group: Int) {
        merge(other.moments(from), into: group)
    }

    /// Combines `moments` into group `group`: exact sums add exactly; otherwise Chan's formula.
    /// Into a group with nothing yet, the moments are taken as they are.
    mutating func merge(_ moments: Moments, into group: Int) {
        let nb = moments.count
        guard nb > 0 else { return }
        let na = counts[group]
        guard na > 0 else {
            counts[group] = nb
            approximate[group] = moments.approximate
            firsts[group] = moments.first
            seconds[group] = moments.second
            return
        }
        if !approximate[group], !moments.approximate {
            let (sum, o1) = Int(bitPattern: UInt(firsts[group])).addingReportingOverflow(Int(bitPattern: UInt(moments.first)))
            let (squares, o2) = Int(bitPattern: UInt(seconds[group])).addingReportingOverflow(Int(bitPattern: UInt(moments.second)))
            if !(o1 || o2) {
                counts[group] = na + nb
                firsts[group] = UInt64(UInt(bitPattern: sum))
                seconds[group] = UInt64(UInt(bitPattern: squares))
                return
            }
        }
        makeApproximate(group)
        let (meanB, m2B) = moments.welford
        let meanA = Double(bitPattern: firsts[group])
        let n = na + nb
        let delta = meanB - meanA
        firsts[group] = (meanA + delta * Double(nb) / Double(n)).bitPattern
        seconds[group] = (Double(bitPattern: seconds[group]) + m2B + delta * delta * (Double(na) * Double(nb) / Double(n))).bitPattern
        counts[group] = n
    }

    /// The states of `groups`, in that order, as four columns: count, first and second word
    /// (sums, or the bits of mean and M2), and whether the group is approximate.
    func partialColumns(_ groups: [Int]) -> [Column] {
        [
            Column(storage: .ints(gatherElements(counts, groups))),
            Column(storage: .ints(groups.map { Int(bitPattern: UInt(firsts[$0])) })),
            Column(storage: .ints(groups.map { Int(bitPattern: UInt(seconds[$0])) })),
            Column(storage: .bools(gatherElements(approximate, groups))),
        ]
    }

    /// The number of columns ``partialColumns(_:)`` gives.
    static let partialColumnCount = 4

    /// Combines states written by ``partialColumns(_:)`` (`columns` from its first), row `r`
    /// into group `targets[r]`.
    mutating func mergePartials(_ columns: ArraySlice<Column>, targets: [Int32]) throws(AggregateSpillError) {
        let start = columns.startIndex
        let counts = try PartialColumn.ints(columns[start], rows: targets.count)
        let firsts = try PartialColumn.ints(columns[start + 1], rows: targets.count)
        let seconds = try PartialColumn.ints(columns[start + 2], rows: targets.count)
        let approximate = try PartialColumn.bools(columns[start + 3], rows: targets.count)
        for (row, target) in targets.enumerated() {
            let moments = Moments(
                count: counts[row], approximate: approximate[row], first: UInt64(UInt(bitPattern: firsts[row])),
                second: UInt64(UInt(bitPattern: seconds[row])))
            merge(moments, into: Int(target))
        }
    }

    /// The bytes held: a count, two words and a flag per group.
    var estimatedBytes: Int { counts.capacity * 8 + firsts.capacity * 8 + seconds.capacity * 8 + approximate.capacity }
}

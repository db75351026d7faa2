import SluiceCore

/// Per-group variance and standard deviation, sample (DuckDB's `var_samp`, `stddev_samp`: null
/// for fewer than two values) or population (`var_pop`, `stddev_pop`: null for none).
///
/// Welford's online algorithm keeps a count, a running mean and the sum of squared
/// differences from it (M2); unlike summing squares it does not lose everything to
/// cancellation when the values are large and close together. Two partial states combine
/// with Chan et al.'s formula, so parallel runs merge.
struct DeviationAccumulator: Sendable {
    private var counts: [Int] = []
    private var means: [Double] = []
    private var squares: [Double] = []

    /// Makes room for `groups` groups.
    mutating func grow(to groups: Int) {
        let more = groups - counts.count
        guard more > 0 else { return }
        counts.append(contentsOf: repeatElement(0, count: more))
        means.append(contentsOf: repeatElement(0, count: more))
        squares.append(contentsOf: repeatElement(0, count: more))
    }

    @inline(__always)
    mutating func add(_ value: Double, to group: Int) {
        guard !value.isNaN else { return }
        let n = counts[group] + 1
        counts[group] = n
        let delta = value - means[group]
        let mean = means[group] + delta / Double(n)
        means[group] = mean
        squares[group] += delta * (value - mean)
    }

    /// Adds the numeric cells of `column` (ints, doubles, numeric strings) to their rows' groups.
    mutating func consume(_ column: Column, groups: [Int32]) {
        forEachNumber(
            in: column, groups: groups,
            int: { self.add(Double($1), to: $0) }, double: { self.add($1, to: $0) }, parsed: { self.add($1.double, to: $0) })
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
        let variance = Swift.max(0, squares[group]) / Double(sample ? n - 1 : n)
        let isDeviation = statistic == .sampleDeviation || statistic == .populationDeviation
        return .double(isDeviation ? variance.squareRoot() : variance)
    }

    /// Combines group `from` of `other` into group `group`.
    mutating func merge(_ other: DeviationAccumulator, group from: Int, into group: Int) {
        let nb = other.counts[from]
        guard nb > 0 else { return }
        let na = counts[group]
        let n = na + nb
        let delta = other.means[from] - means[group]
        means[group] += delta * Double(nb) / Double(n)
        squares[group] += other.squares[from] + delta * delta * (Double(na) * Double(nb) / Double(n))
        counts[group] = n
    }

    /// The bytes held: a count, a mean and an M2 per group.
    var estimatedBytes: Int { counts.capacity * 8 + means.capacity * 8 + squares.capacity * 8 }
}

/// Summary statistics of one phase's durations (milliseconds), as `/performance` reports them.
///
/// `p95` is the nearest-rank 95th percentile: the samples sorted ascending, the value at
/// rank ⌈0.95·n⌉ (1-based), i.e. `sorted[ceil(0.95 * n) - 1]`. The rank is computed in
/// integers (`(95·n + 99) / 100`) so that, e.g., n = 20 gives rank 19 rather than a
/// floating-point 19.000000000000004 rounded up to 20. It is always one of the samples,
/// never an interpolation. No samples give all zeros with `count` 0.
public struct PhaseSummary: Codable, Sendable, Equatable {
    /// How many samples there were.
    public var count: Int
    /// Their arithmetic mean.
    public var avg: Double
    /// The smallest sample.
    public var min: Double
    /// The largest sample.
    public var max: Double
    /// The nearest-rank 95th percentile (see the type's documentation).
    public var p95: Double

    public init(count: Int, avg: Double, min: Double, max: Double, p95: Double) {
        self.count = count
        self.avg = avg
        self.min = min
        self.max = max
        self.p95 = p95
    }

    /// Summarizes `samples` (in any order).
    public init(samples: [Double]) {
        guard !samples.isEmpty else {
            self.init(count: 0, avg: 0, min: 0, max: 0, p95: 0)
            return
        }
        let sorted = samples.sorted()
        let n = sorted.count
        let rank = (95 * n + 99) / 100
        var sum = 0.0
        for sample in sorted { sum += sample }
        self.init(count: n, avg: sum / Double(n), min: sorted[0], max: sorted[n - 1], p95: sorted[rank - 1])
    }
}

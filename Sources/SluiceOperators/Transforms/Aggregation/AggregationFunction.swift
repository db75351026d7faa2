/// A function of the `aggregate` operation (SEED.md "Aggregate Data", plus `median` and
/// `stddev` for the benchmark jobs).
public enum AggregationFunction: String, Sendable, CaseIterable {
    case sum, avg, min, max, count, median, stddev

    /// The names as an error message lists them: `sum, avg, …`.
    static var expectedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

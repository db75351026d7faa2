/// A function of the `aggregate` operation ( `median` and
/// `stddev` for the benchmark jobs, and the statistics, order and list functions after them).
public enum AggregationFunction: String, Sendable, CaseIterable {
    case sum, avg, min, max
    /// The number of the group's rows, whatever the field holds (SQL `count(*)`).
    case count
    case median, stddev
    /// The number of distinct non-null values (SQL `count(DISTINCT x)`).
    case countDistinct
    /// The number of non-null values of the field (SQL `count(x)`).
    case countNonNull
    /// Sample variance (`var_samp`); null for fewer than two values.
    case variance
    /// Population variance (`var_pop`); null for no values.
    case variancePop = "variance_pop"
    /// Population standard deviation (`stddev_pop`); null for no values.
    case stddevPop = "stddev_pop"
    /// The interpolated percentile `p` of the numeric values (DuckDB `quantile_cont`).
    case percentile
    /// The value of the group's first row in input order, null included.
    case first
    /// The value of the group's last row in input order, null included.
    case last
    /// Every value of the group in input order, nulls included (DuckDB `list`).
    case collect

    /// The names as an error message lists them: `sum, avg, …`.
    static var expectedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A function of the `aggregate` operation (SEED.md "Aggregate Data").
public enum AggregationFunction: String, Sendable, CaseIterable {
    case sum, avg, min, max, count
}

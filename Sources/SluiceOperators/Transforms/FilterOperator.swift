import SluiceCore

/// A comparison of the `filter` operation (SEED.md "Filter Records").
public enum FilterOperator: String, Sendable, CaseIterable {
    case eq, ne, gt, gte, lt, lte
    case `in`
    case contains

    /// Which results of comparing a cell with the value pass: less, equal, greater, and
    /// cells that do not compare at all (null, or kinds without an order).
    struct Outcomes: Sendable {
        let less: Bool
        let equal: Bool
        let greater: Bool
        let incomparable: Bool

        /// Whether a comparison result (`-1`, `0`, `1`, or `nil`) passes.
        @inline(__always) func accepts(_ order: Int?) -> Bool {
            guard let order else { return incomparable }
            return order < 0 ? less : (order == 0 ? equal : greater)
        }
    }

    /// The outcomes for the comparison operators; `nil` for `in` and `contains`.
    var outcomes: Outcomes? {
        switch self {
        case .eq: return Outcomes(less: false, equal: true, greater: false, incomparable: false)
        case .ne: return Outcomes(less: true, equal: false, greater: true, incomparable: true)
        case .gt: return Outcomes(less: false, equal: false, greater: true, incomparable: false)
        case .gte: return Outcomes(less: false, equal: true, greater: true, incomparable: false)
        case .lt: return Outcomes(less: true, equal: false, greater: false, incomparable: false)
        case .lte: return Outcomes(less: true, equal: true, greater: false, incomparable: false)
        case .in, .contains: return nil
        }
    }

    /// Whether this operator orders values (rather than testing equality or membership).
    var isOrdering: Bool {
        switch self {
        case .gt, .gte, .lt, .lte: return true
        case .eq, .ne, .in, .contains: return false
        }
    }
}

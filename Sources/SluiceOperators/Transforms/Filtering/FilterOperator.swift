import SluiceCore

/// A comparison of the `filter` operation (plus null tests, text
/// matching, ranges and `notIn`).
///
/// Null and absent cells: `eq`, `ne`, `in`, `isNull` and `notNull` are definite (as in
/// JavaScript: null equals null and nothing else); the orderings, `between`, the text tests
/// and `notIn` are unknown (SQL's NULL), as is an ordering of values that do not compare.
public enum FilterOperator: String, Sendable, CaseIterable {
    /// Equal: numbers across int and double, a numeric string as its number, `eq null` for null.
    case eq
    /// Not equal: the complement of `eq`, so null and absent cells pass `ne 5`.
    case ne
    /// Ordering comparisons: numbers by value, strings by UTF-8 bytes, dates by instant.
    case gt, gte, lt, lte
    /// Equal (as `eq`) to one of the listed values; `[null]` matches null cells.
    case `in`
    /// A string cell contains the value's text, or an array cell holds the value.
    case contains
    /// The cell is null or absent (no value).
    case isNull
    /// The cell has a value (no value).
    case notNull
    /// A string cell starts with the value (a string), compared by bytes.
    case startsWith
    /// A string cell ends with the value (a string), compared by bytes.
    case endsWith
    /// A string cell has a match of the regular expression anywhere (DuckDB's `regexp_matches`).
    case regex
    /// `[low, high]`, both inclusive, ordered as `gte` and `lte` order.
    case between
    /// SQL's `NOT IN`: a cell equal to none of the values; unknown for a null cell, and for
    /// every cell that is not listed when the list holds null.
    case notIn

    /// Which results of comparing a cell with the value pass: less, equal, greater, and
    /// cells that do not compare at all (kinds without an order, NaN). Null and absent cells
    /// are decided apart from these.
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

    /// For the comparison operators, the truth of each comparison result (less, equal,
    /// greater, incomparable); `nil` for the others.
    ///
    /// `eq` and `ne` are definite for every cell (JavaScript's `==`); an ordering of
    /// cells that do not compare is unknown, like SQL's comparison with NULL.
    var outcomeTruths: (less: Truth, equal: Truth, greater: Truth, incomparable: Truth)? {
        switch self {
        case .eq: return (.no, .yes, .no, .no)
        case .ne: return (.yes, .no, .yes, .yes)
        case .gt: return (.no, .no, .yes, .unknown)
        case .gte: return (.no, .yes, .yes, .unknown)
        case .lt: return (.yes, .no, .no, .unknown)
        case .lte: return (.yes, .yes, .no, .unknown)
        case .in, .contains, .isNull, .notNull, .startsWith, .endsWith, .regex, .between, .notIn: return nil
        }
    }

    /// The outcomes that pass when the rows wanted are those whose truth is `target`.
    func outcomes(selecting target: Truth) -> Outcomes? {
        outcomeTruths.map {
            Outcomes(less: $0.less == target, equal: $0.equal == target, greater: $0.greater == target, incomparable: $0.incomparable == target)
        }
    }

    /// Whether this operator orders values (rather than testing equality or membership).
    var isOrdering: Bool {
        switch self {
        case .gt, .gte, .lt, .lte, .between: return true
        case .eq, .ne, .in, .contains, .isNull, .notNull, .startsWith, .endsWith, .regex, .notIn: return false
        }
    }

    /// The names as an error message lists them: `eq, ne, …`.
    static var expectedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The truth of a condition for one row, in SQL's three-valued logic.
///
/// `unknown` is what SQL calls NULL: an ordering, text or range test of a null or absent
/// cell (or of cells that do not compare) is neither true nor false, so `not` leaves it
/// unknown and the row is not kept either way.
enum Truth: UInt8, Sendable {
    case unknown, yes, no

    /// `yes` for true, `no` for false.
    @inline(__always) init(_ value: Bool) { self = value ? .yes : .no }

    /// The truth of the negation.
    var negated: Truth {
        switch self {
        case .yes: return .no
        case .no: return .yes
        case .unknown: return .unknown
        }
    }
}

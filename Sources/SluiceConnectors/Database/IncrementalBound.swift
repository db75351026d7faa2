import SluiceCore

/// How a database source may push an incremental watermark down into SQL as
/// `cursor >= bound`. The engine filters the rows exactly afterwards, so the SQL condition only
/// has to keep every row the engine would keep (a superset); where the database's ordering
/// could disagree with the engine's (``Value/compare(to:)``), nothing is pushed down and the
/// engine filters alone.
public enum IncrementalBound: Sendable, Equatable {
    /// Compare as numbers.
    case number(Value)
    /// Compare as instants.
    case timestamp(Timestamp)
    /// Compare as text, byte by byte (UTF-8 byte order is the engine's code point order).
    case text(String)

    /// The bound for `value`, or `nil` when it must not be pushed down: a string that reads as
    /// an ISO timestamp (an `initialValue` given as text for a date-time column, which the
    /// database would compare as text and the engine compares as an instant), or a kind
    /// that does not order.
    public init?(_ value: Value) {
        switch value {
        case .int, .double: self = .number(value)
        case .timestamp(let t): self = .timestamp(t)
        case .string(let s):
            guard Timestamp(iso8601: s) == nil else { return nil }
            self = .text(s)
        default: return nil
        }
    }
}

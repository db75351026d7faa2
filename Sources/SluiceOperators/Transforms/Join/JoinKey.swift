import SluiceCore

/// A join key reduced to the class it is matched within, so that the build and the probe
/// agree on equality whatever the columns' storage: numbers by value (an integral double is
/// the integer it equals), text by bytes, anything else by ``Value`` equality.
enum JoinKey {
    /// Matches nothing: null, absent, NaN.
    case none
    /// An int, or a double with an integral value that fits in `Int`.
    case int(Int)
    /// Any other double, by its bits (`-0.0` is integral, so it never lands here).
    case double(UInt64)
    /// Text.
    case text(String)
    /// Booleans, dates, arrays and objects.
    case other(Value)

    /// The key of a double.
    @inline(__always)
    static func of(_ d: Double) -> JoinKey {
        if let i = Int(exactly: d) { return .int(i) }
        return d.isNaN ? .none : .double(d.bitPattern)
    }

    /// The key of a value.
    static func of(_ value: Value) -> JoinKey {
        switch value {
        case .null: return .none
        case .int(let i): return .int(i)
        case .double(let d): return of(d)
        case .string(let s): return .text(s)
        case .bool, .timestamp, .array, .object: return .other(value)
        }
    }
}

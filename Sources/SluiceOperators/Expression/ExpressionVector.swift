import SluiceCore

/// An intermediate result of evaluating an expression over a batch: one value for every row
/// (a literal), or a column with one value per row.
enum ExpressionVector: Sendable {
    case constant(Value)
    case column(Column)

    /// The value of row `row` (`.null` for null and absent rows).
    @inline(__always)
    func value(at row: Int) -> Value {
        switch self {
        case .constant(let v): return v
        case .column(let c): return c.value(at: row)
        }
    }

    /// The result as a column of `count` rows; absent rows become null, so a computed field is
    /// always present in its record.
    func column(count: Int) -> Column {
        switch self {
        case .constant(let v):
            switch v {
            case .null: return Column(storage: .values(Array(repeating: .null, count: count)), presence: Array(repeating: .null, count: count))
            case .int(let i): return Column(storage: .ints(Array(repeating: i, count: count)))
            case .double(let d): return Column(storage: .doubles(Array(repeating: d, count: count)))
            case .bool(let b): return Column(storage: .bools(Array(repeating: b, count: count)))
            default:
                var builder = ColumnBuilder(capacity: count)
                for _ in 0..<count { builder.append(v) }
                return builder.build()
            }
        case .column(var c):
            if let presence = c.presence, presence.contains(.absent) {
                c.presence = presence.map { $0 == .absent ? .null : $0 }
            }
            return c
        }
    }

    /// Whether each row is `true` (null, false and anything else are not).
    func mask(count: Int) -> [Bool] {
        switch self {
        case .constant(let v): return Array(repeating: v == .bool(true), count: count)
        case .column(let c):
            if case .bools(let values) = c.storage {
                guard let presence = c.presence else { return values }
                return (0..<count).map { values[$0] && presence[$0] == .present }
            }
            return (0..<count).map { c.value(at: $0) == .bool(true) }
        }
    }
}

extension ExpressionVector {
    /// Presence of a row computed from two inputs: present only where both are.
    @inline(__always)
    static func combinedPresence(_ a: [Column.Presence]?, _ b: [Column.Presence]?) -> [Column.Presence]? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let x?, nil): return x
        case (nil, let y?): return y
        case (let x?, let y?):
            return zip(x, y).map { $0 == .present && $1 == .present ? .present : .null }
        }
    }
}

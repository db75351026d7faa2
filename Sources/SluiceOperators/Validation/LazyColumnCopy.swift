import SluiceCore

/// A copy of a column that is only made once the first value has to change, so a column
/// that needs no coercion is passed on untouched.
struct LazyColumnCopy {
    private let original: Column
    private var builder: ColumnBuilder?

    init(_ column: Column) {
        original = column
    }

    /// Keeps row `row` as it is.
    @inline(__always)
    mutating func keep(_ row: Int) {
        builder?.append(from: original, row: row)
    }

    /// Puts `value` in place of row `row`; rows must be visited in order.
    mutating func replace(_ row: Int, with value: Value) {
        if builder == nil { builder = startCopy(upTo: row) }
        builder?.append(value)
    }

    private func startCopy(upTo row: Int) -> ColumnBuilder {
        var copy = ColumnBuilder(capacity: original.count)
        for r in 0..<row { copy.append(from: original, row: r) }
        return copy
    }

    /// The rewritten column, or `nil` when nothing changed.
    func build() -> Column? { builder?.build() }
}

import SluiceCore

/// Compares rows of two different batches by order keys, cell by cell, in the order the
/// packed key words of ``SortKeys`` give within one batch: direction applied, nulls first or
/// last whatever the direction, numbers numerically across ints and doubles (-0 as 0, NaN
/// above infinity), text by its UTF-8 bytes, booleans false first, timestamps by instant,
/// and cells of different kinds by kind (booleans, numbers, text, timestamps, arrays,
/// objects).
///
/// It merges the sorted runs of a spilled sort or window, where each run was sorted in
/// memory and the runs' rows must interleave exactly as one in-memory sort would order them.
/// One case cannot agree: two different integers beyond 2^53 in a key column that also holds
/// doubles compare equal in memory (both become doubles) and by value here.
struct RowComparator {
    /// The keys, most significant first.
    let orders: [WindowOrder]

    /// A comparator on `orders`, most significant first.
    init(_ orders: [WindowOrder]) { self.orders = orders }

    /// The key fields, for ``MergedStream/init(_:batchRows:keys:less:)``.
    var fields: [String] { orders.map(\.field) }

    /// Whether row `i` sorts before row `j`, given each side's key columns in ``orders``' order.
    func less(_ x: [Column?], _ i: Int, _ y: [Column?], _ j: Int) -> Bool {
        for (k, order) in orders.enumerated() {
            let c = Self.compare(x[k], i, y[k], j, order: order)
            if c != 0 { return c < 0 }
        }
        return false
    }

    /// -1, 0 or 1: cell `i` of `x` against cell `j` of `y` (a missing column is all nulls).
    static func compare(_ x: Column?, _ i: Int, _ y: Column?, _ j: Int, order: WindowOrder) -> Int {
        let xNull = x.map { isNull($0, i) } ?? true
        let yNull = y.map { isNull($0, j) } ?? true
        if xNull || yNull {
            if xNull == yNull { return 0 }
            return xNull == order.nullsFirst ? -1 : 1
        }
        guard let x, let y else { return 0 }
        let c = compareCells(x, i, y, j)
        return order.descending ? -c : c
    }

    private static func isNull(_ column: Column, _ row: Int) -> Bool {
        guard column.isPresent(row) else { return true }
        if case .values(let a) = column.storage, a[row].isNull { return true }
        return false
    }

    private static func compareCells(_ x: Column, _ i: Int, _ y: Column, _ j: Int) -> Int {
        switch (x.storage, y.storage) {
        case (.ints(let a), .ints(let b)): return a[i] < b[j] ? -1 : (a[i] == b[j] ? 0 : 1)
        case (.text(let a), .text(let b)):
            return a.withBytes(at: i) { p in b.withBytes(at: j) { q in LooseComparison.compareBytes(p, q) } }
        default: return compareValues(x.value(at: i), y.value(at: j))
        }
    }

    /// Two non-null values in ascending key order: the order a mixed-kind key column gets
    /// in memory.
    static func compareValues(_ a: Value, _ b: Value) -> Int { KeyWords.compareMixed(a, b) }
}

import SluiceCore

/// The window functions that depend on a row's place in its partition rather than on a
/// frame: `row_number`, `rank`, `dense_rank`, `lag` and `lead`.
///
/// Rows are in output order, partition `p` being rows `bounds[p] ..< bounds[p + 1]`; each
/// function returns a column in that order.
enum RowFunctions {
    /// 1, 2, 3, … within each partition.
    static func rowNumbers(bounds: [Int]) -> Column {
        var out = [Int](repeating: 0, count: bounds.last ?? 0)
        for p in 0..<(bounds.count - 1) {
            for i in bounds[p]..<bounds[p + 1] { out[i] = i - bounds[p] + 1 }
        }
        return Column(storage: .ints(out))
    }

    /// `rank` (1 + the rows before the row's peer group) or, `dense`, `dense_rank` (1 + the
    /// peer groups before it). Peers are rows whose order keys are all equal: `keyChanges[i]`
    /// says whether output row `i`'s keys differ from row `i - 1`'s, and without order keys
    /// (`keyChanges` empty) every row of a partition is a peer.
    static func ranks(keyChanges: [Bool], bounds: [Int], dense: Bool) -> Column {
        let n = bounds.last ?? 0
        let hasKeys = !keyChanges.isEmpty
        let out = [Int](unsafeUninitializedCapacity: n) { out, count in
            for p in 0..<(bounds.count - 1) {
                var rank = 1
                var groups = 1
                let start = bounds[p]
                for i in start..<bounds[p + 1] {
                    if i > start, hasKeys, keyChanges[i] {
                        rank = i - start + 1
                        groups += 1
                    }
                    out[i] = dense ? groups : rank
                }
            }
            count = n
        }
        return Column(storage: .ints(out))
    }

    /// `lag` (negative `by`) or `lead` (positive): the value of `column` (in output order)
    /// `|by|` rows away in the partition, `fill` past its edge. A null or absent source cell
    /// gives null (the output field exists in every row); a missing column gives null throughout.
    static func shifted(_ column: Column?, by offset: Int, fill: Value, bounds: [Int]) -> Column {
        if let column, let typed = ShiftedColumn.typed(column, by: offset, fill: fill, bounds: bounds) { return typed }
        var builder = ColumnBuilder(capacity: bounds.last ?? 0)
        for p in 0..<(bounds.count - 1) {
            let range = bounds[p]..<bounds[p + 1]
            for i in range {
                let j = i + offset
                guard range.contains(j) else {
                    builder.append(fill)
                    continue
                }
                let row = j
                guard let column, column.isPresent(row) else {
                    builder.appendNull()
                    continue
                }
                switch column.storage {
                case .ints(let a): builder.appendInt(a[row])
                case .doubles(let a): builder.appendDouble(a[row])
                case .bools(let a): builder.appendBool(a[row])
                case .text(let t): t.withBytes(at: row) { builder.appendText($0) }
                case .dictionary(let d): d.dictionary.withBytes(at: d.code(at: row)) { builder.appendText($0) }
                case .values(let a): builder.append(a[row])
                }
            }
        }
        return builder.build()
    }
}

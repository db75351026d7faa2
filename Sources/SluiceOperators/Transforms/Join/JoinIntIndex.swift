import SluiceCore

/// The integer keys of a join's lookup side (ints, and doubles with an integral value),
/// mapped to their first row.
///
/// Ids are usually dense (`1…100000`), so when the keys span a range no wider than a few
/// times their count the index is a plain array indexed by `key - base`: one load per probe,
/// no hashing. Otherwise it is a ``JoinIntTable``.
struct JoinIntIndex: Sendable {
    private enum Layout: Sendable {
        case empty
        case dense(base: Int, last: Int, heads: [Int32])
        case hashed(JoinIntTable)
    }

    private let layout: Layout

    /// Indexes `keys[i]` → `rows[i]`, chaining repeated keys through `next` in row order.
    /// `rows` must be ascending. Sets `duplicates` when a key repeats.
    init(keys: [Int], rows: [Int32], next: inout [Int32], duplicates: inout Bool, seed: UInt64) {
        guard let low = keys.min(), let high = keys.max() else {
            layout = .empty
            return
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        if !overflow, span < keys.count * 4 + 1024 {
            var heads = [Int32](repeating: -1, count: span + 1)
            for i in keys.indices.reversed() {
                let slot = keys[i] - low
                let row = rows[i]
                let previous = heads[slot]
                if previous >= 0 { duplicates = true }
                next[Int(row)] = previous
                heads[slot] = row
            }
            layout = .dense(base: low, last: high, heads: heads)
        } else {
            var table = JoinIntTable(capacity: keys.count, seed: seed)
            for i in keys.indices.reversed() {
                let row = rows[i]
                let previous = table.push(UInt64(bitPattern: Int64(keys[i])), row: row)
                if previous >= 0 { duplicates = true }
                next[Int(row)] = previous
            }
            layout = .hashed(table)
        }
    }

    /// Whether no key is indexed.
    var isEmpty: Bool {
        if case .empty = layout { return true }
        return false
    }

    /// The first row holding `key`, or `-1`.
    @inline(__always)
    func find(_ key: Int) -> Int32 {
        switch layout {
        case .empty: return -1
        case .dense(let base, let last, let heads): return key >= base && key <= last ? heads[key &- base] : -1
        case .hashed(let table): return table.find(UInt64(bitPattern: Int64(key)))
        }
    }

    /// The first rows holding each of `probe`'s keys (`-1` when none or when the row is not present).
    func find(_ probe: UnsafeBufferPointer<Int>, presence: [Column.Presence]?, into out: UnsafeMutableBufferPointer<Int32>) {
        switch layout {
        case .empty:
            out.update(repeating: -1)
        case .dense(let base, let last, let heads):
            heads.withUnsafeBufferPointer { heads in
                if let presence {
                    for i in 0..<probe.count {
                        let key = probe[i]
                        out[i] = presence[i] == .present && key >= base && key <= last ? heads[key &- base] : -1
                    }
                } else {
                    for i in 0..<probe.count {
                        let key = probe[i]
                        out[i] = key >= base && key <= last ? heads[key &- base] : -1
                    }
                }
            }
        case .hashed(let table):
            table.find(probe, presence: presence, into: out)
        }
    }
}

import SluiceCore

/// The `orderBy` keys of every held row, normalized to unsigned words that compare in the
/// requested order, so sorting a million rows compares flat integers instead of cells.
///
/// Each key contributes a null word when it has nulls (0 or 1, placing nulls first or
/// last) and a value word: ints with the sign bit flipped, doubles by their IEEE order (-0
/// as 0, NaN above infinity, as DuckDB orders them), booleans as 0/1, timestamps by their
/// microseconds, and text by its rank among the column's distinct values in byte order (so
/// dates sharing a long prefix still compare as one integer). Descending keys invert their
/// value word. Only columns mixing kinds (ordered by kind: booleans, numbers, text,
/// timestamps, arrays, objects) fall back to comparing cells on ties.
struct SortKeys {
    /// How a word's ties are broken.
    private enum Tiebreak {
        case none
        case values([Value], descending: Bool)
    }

    /// Words per row.
    let width: Int
    /// Row `r`'s words are `words[r * width ..< (r + 1) * width]`.
    private var words: [UInt64]
    private var tiebreaks: [Tiebreak] = []
    private var hasTiebreaks = false

    /// The keys of `count` rows from each order key's column (`nil`: no row has the field,
    /// so the key orders nothing).
    init(_ keys: [(column: Column?, order: WindowOrder)], count: Int) {
        var columns: [[UInt64]] = []
        var tiebreaks: [Tiebreak] = []
        for (column, order) in keys {
            guard let column else { continue }
            if let presence = column.presence, presence.contains(where: { $0 != .present }) {
                let null: UInt64 = order.nullsFirst ? 0 : 1
                columns.append(presence.map { $0 == .present ? 1 - null : null })
                tiebreaks.append(.none)
            }
            let (values, tiebreak) = Self.valueWords(column, descending: order.descending)
            columns.append(values)
            tiebreaks.append(tiebreak)
        }
        width = columns.count
        var words = [UInt64](repeating: 0, count: count * columns.count)
        for (k, column) in columns.enumerated() {
            for row in 0..<count { words[row * columns.count + k] = column[row] }
        }
        self.words = words
        self.tiebreaks = tiebreaks
        hasTiebreaks = tiebreaks.contains { if case .none = $0 { false } else { true } }
    }

    /// The value words of one column, and how to break their ties.
    private static func valueWords(_ column: Column, descending: Bool) -> ([UInt64], Tiebreak) {
        let flip: UInt64 = descending ? ~0 : 0
        switch column.storage {
        case .ints(let a): return (a.map { intWord($0) ^ flip }, .none)
        case .doubles(let a): return (a.map { doubleWord($0) ^ flip }, .none)
        case .bools(let a): return (a.map { ($0 ? 1 : 0) ^ flip }, .none)
        case .text(let t): return (textWords(t, flip: flip), .none)
        case .values(let a):
            // One kind throughout (nulls aside) keeps the typed words; a mix falls back to cells.
            var kinds = Set<Int>()
            var allInts = true
            for value in a where !value.isNull {
                kinds.insert(kindRank(value))
                if case .double = value { allInts = false }
            }
            guard kinds.count <= 1 else { return (a.map { UInt64(kindRank($0)) ^ flip }, .values(a, descending: descending)) }
            switch kinds.first {
            case nil:
                return (Array(repeating: 0, count: a.count), .none)
            case 1?:
                return (a.map { value in
                    switch value {
                    case .int(let i): return (allInts ? intWord(i) : doubleWord(Double(i))) ^ flip
                    case .double(let d): return doubleWord(d) ^ flip
                    default: return 0
                    }
                }, .none)
            case 2?:
                var text = TextColumn()
                for value in a { if case .string(let s) = value { text.append(s) } else { text.appendEmpty() } }
                return (textWords(text, flip: flip), .none)
            case 3?:
                return (a.map { value in
                    if case .timestamp(let t) = value { return intWord(Int(t.microseconds)) ^ flip }
                    return 0
                }, .none)
            case 0?:
                return (a.map { value in
                    if case .bool(let b) = value { return (b ? 1 : 0) ^ flip }
                    return 0
                }, .none)
            default:
                return (a.map { UInt64(kindRank($0)) ^ flip }, .values(a, descending: descending))
            }
        }
    }

    /// The order of kinds in a mixed column.
    private static func kindRank(_ value: Value) -> Int {
        switch value {
        case .bool: return 0
        case .int, .double: return 1
        case .string: return 2
        case .timestamp: return 3
        case .array: return 4
        case .object: return 5
        case .null: return 6
        }
    }

    @inline(__always) private static func intWord(_ i: Int) -> UInt64 {
        UInt64(bitPattern: Int64(i)) ^ (1 << 63)
    }

    @inline(__always) private static func doubleWord(_ d: Double) -> UInt64 {
        if d.isNaN { return UInt64.max }
        let bits = (d == 0 ? 0.0 : d).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Each value's rank among the column's distinct values in byte order.
    private static func textWords(_ t: TextColumn, flip: UInt64) -> [UInt64] {
        var generator = SystemRandomNumberGenerator()
        var table = TextCodeTable(seed: generator.next())
        var codes: [Int32] = []
        codes.reserveCapacity(t.count)
        t.bytes.withUnsafeBytes { bytes in
            for row in 0..<t.count {
                let cell = UnsafeRawBufferPointer(rebasing: bytes[t.range(row)])
                codes.append(table.findOrInsert(cell, next: Int32(truncatingIfNeeded: table.count)))
            }
        }
        let ranks = table.ranksInByteOrder()
        return codes.map { UInt64(ranks[Int($0)]) ^ flip }
    }

    /// Compares rows `a` and `b` by every key: negative, zero (peers) or positive.
    func compare(_ a: Int, _ b: Int) -> Int {
        words.withUnsafeBufferPointer { compare($0, a, b) }
    }

    @inline(__always)
    private func compare(_ w: UnsafeBufferPointer<UInt64>, _ a: Int, _ b: Int) -> Int {
        let base = (a * width, b * width)
        for k in 0..<width {
            let x = w[base.0 + k]
            let y = w[base.1 + k]
            if x != y { return x < y ? -1 : 1 }
            guard hasTiebreaks else { continue }
            let c = breakTie(k, a, b)
            if c != 0 { return c }
        }
        return 0
    }

    private func breakTie(_ k: Int, _ a: Int, _ b: Int) -> Int {
        switch tiebreaks[k] {
        case .none:
            return 0
        case .values(let values, let descending):
            let c = Self.compareSameKind(values[a], values[b])
            return descending ? -c : c
        }
    }

    /// Orders two cells of the same kind (as ``kindRank(_:)`` has it).
    private static func compareSameKind(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.timestamp(let x), .timestamp(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.string, .string): return LooseComparison.order(a, b) ?? 0
        case (.array, .array), (.object, .object):
            let x = a.description
            let y = b.description
            return x == y ? 0 : (LooseComparison.order(.string(x), .string(y)) ?? 0)
        default:
            guard let x = a.number, let y = b.number else { return 0 }
            let (wx, wy) = (doubleWord(x), doubleWord(y))
            return wx < wy ? -1 : (wx == wy ? 0 : 1)
        }
    }

    /// The rows grouped by partition (partitions in number order, which is first-seen order)
    /// and sorted by the keys within each, ties keeping input order; and where each
    /// partition starts (`bounds[p] ..< bounds[p + 1]`, with the row count last).
    func sortedOrder(partitions: [Int32], partitionCount: Int) -> (order: [Int], bounds: [Int]) {
        let count = partitions.count
        // A counting sort by partition keeps input order within each.
        var bounds = [Int](repeating: 0, count: partitionCount + 1)
        for p in partitions { bounds[Int(p) + 1] += 1 }
        for p in 0..<partitionCount { bounds[p + 1] += bounds[p] }
        var order = [Int](repeating: 0, count: count)
        var next = bounds
        for (row, p) in partitions.enumerated() {
            order[next[Int(p)]] = row
            next[Int(p)] += 1
        }
        guard width > 0 else { return (order, bounds) }
        let width = width
        words.withUnsafeBufferPointer { w in
            order.withUnsafeMutableBufferPointer { all in
                for p in 0..<partitionCount where bounds[p + 1] - bounds[p] > 1 {
                    var slice = UnsafeMutableBufferPointer(rebasing: all[bounds[p]..<bounds[p + 1]])
                    if hasTiebreaks {
                        slice.sort { a, b in
                            let c = compare(w, a, b)
                            return c != 0 ? c < 0 : a < b
                        }
                    } else if width == 1 {
                        slice.sort { a, b in w[a] != w[b] ? w[a] < w[b] : a < b }
                    } else {
                        slice.sort { a, b in
                            var i = a * width
                            var j = b * width
                            let end = i + width
                            while i < end {
                                if w[i] != w[j] { return w[i] < w[j] }
                                i += 1
                                j += 1
                            }
                            return a < b
                        }
                    }
                }
            }
        }
        return (order, bounds)
    }
}

/// A validated `orderBy` entry.
struct WindowOrder: Sendable {
    let field: String
    let descending: Bool
    let nullsFirst: Bool
}

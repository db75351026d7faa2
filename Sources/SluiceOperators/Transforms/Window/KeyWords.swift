import SluiceCore

/// An order key column's values as unsigned words in ascending key order, one per row.
enum KeyWords {
    /// The words of `column`, and which rows are null (`nil` when none is). A null row's word
    /// is meaningless; ``KeyField`` places nulls itself. Words only order rows of the same
    /// partition of `layout` (text is ranked within each partition).
    static func words(_ column: Column, layout: PartitionLayout) -> (words: [UInt64], isNull: [Bool]?) {
        var isNull = column.presence.flatMap { presence in
            presence.contains { $0 != .present } ? presence.map { $0 != .present } : nil
        }
        switch column.storage {
        case .ints(let a): return (a.map { intWord($0) }, isNull)
        case .doubles(let a): return (a.map { doubleWord($0) }, isNull)
        case .bools(let a): return (a.map { $0 ? 1 : 0 }, isNull)
        case .text(let t): return (textWords(t, layout: layout), isNull)
        case .dictionary: return words(column.flatteningDictionary(), layout: layout)
        case .values(let a):
            // A `.null` cell is a null whatever the presence says.
            if a.contains(where: \.isNull) {
                var flags = isNull ?? [Bool](repeating: false, count: a.count)
                for (i, value) in a.enumerated() where value.isNull { flags[i] = true }
                isNull = flags
            }
            return (valueWords(a, layout: layout), isNull)
        }
    }

    /// The words of a `[Value]` column: typed words when its non-null cells share one kind,
    /// otherwise each cell's rank in kind-then-value order.
    private static func valueWords(_ a: [Value], layout: PartitionLayout) -> [UInt64] {
        var kinds = Set<Int>()
        var allInts = true
        for value in a where !value.isNull {
            kinds.insert(kindRank(value))
            if case .double = value { allInts = false }
        }
        guard kinds.count == 1, let kind = kinds.first else {
            return kinds.isEmpty ? [UInt64](repeating: 0, count: a.count) : mixedRanks(a)
        }
        switch kind {
        case 0:
            return a.map { value in
                if case .bool(let b) = value { return b ? 1 : 0 }
                return 0
            }
        case 1:
            return a.map { value in
                switch value {
                case .int(let i): return allInts ? intWord(i) : doubleWord(Double(i))
                case .double(let d): return doubleWord(d)
                default: return 0
                }
            }
        case 2:
            var text = TextColumn()
            for value in a { if case .string(let s) = value { text.append(s) } else { text.appendEmpty() } }
            return textWords(text, layout: layout)
        case 3:
            return a.map { value in
                if case .timestamp(let t) = value { return intWord(Int(t.microseconds)) }
                return 0
            }
        default:
            return mixedRanks(a)
        }
    }

    @inline(__always) static func intWord(_ i: Int) -> UInt64 {
        UInt64(bitPattern: Int64(i)) ^ (1 << 63)
    }

    @inline(__always) static func doubleWord(_ d: Double) -> UInt64 {
        if d.isNaN { return UInt64.max }
        let bits = (d == 0 ? 0.0 : d).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Each value's rank among its partition's distinct values in byte order.
    static func textWords(_ t: TextColumn, layout: PartitionLayout) -> [UInt64] {
        let ranks = t.bytes.withUnsafeBytes { bytes in
            t.offsets.withUnsafeBufferPointer { offsets in
                layout.places.withUnsafeBufferPointer { places in
                    ByteOrderRanks.denseRanks(bytes: bytes, offsets: offsets, places: places, bounds: layout.bounds).ranks
                }
            }
        }
        return ranks.map { UInt64($0) }
    }

    /// Each cell's dense rank when cells order by kind, then within a kind by value; for the
    /// rare columns mixing kinds, where no single word type fits.
    private static func mixedRanks(_ a: [Value]) -> [UInt64] {
        var rows = Array(a.indices)
        rows.sort { x, y in
            let c = compareMixed(a[x], a[y])
            return c != 0 ? c < 0 : x < y
        }
        var words = [UInt64](repeating: 0, count: a.count)
        var rank: UInt64 = 0
        for (place, row) in rows.enumerated() {
            if place > 0, compareMixed(a[rows[place - 1]], a[row]) != 0 { rank += 1 }
            words[row] = rank
        }
        return words
    }

    static func compareMixed(_ a: Value, _ b: Value) -> Int {
        let (x, y) = (kindRank(a), kindRank(b))
        return x != y ? (x < y ? -1 : 1) : compareSameKind(a, b)
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
}

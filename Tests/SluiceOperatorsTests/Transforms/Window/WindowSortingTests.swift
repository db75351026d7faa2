import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// The window's sorting machinery (byte-order ranks, the radix sort of keyed rows, packed
/// keys) against plain reference sorts on random data full of ties, nulls and edge values.
@Suite struct WindowSortingTests {
    /// Text with shared prefixes, lengths around the 7- and 21-byte steps, empty strings,
    /// zero bytes and non-ASCII characters.
    private static func randomText(_ random: inout DuckDBOracle.Generator) -> String {
        let stems = ["", "a", "ab", "2024-01-0", "2024-01-01T00:00:0", "prefix-shared-by-many-strings-", "\u{0}", "é", "日本", "😀", "Z"]
        var text = stems[random.below(stems.count)]
        for _ in 0..<random.below(4) {
            let pieces = ["a", "b", "\u{0}", "é", "z", "0", "1", "-", "日", "😀", "long tail beyond forty two bytes........"]
            text += pieces[random.below(pieces.count)]
        }
        return text
    }

    /// The dense ranks of `strings` in byte order, by sorting the byte arrays.
    private static func referenceRanks(_ strings: [String]) -> [UInt32] {
        let distinct = Array(Set(strings.map { Array($0.utf8) })).sorted { $0.lexicographicallyPrecedes($1) }
        var rankOf: [[UInt8]: UInt32] = [:]
        for (rank, bytes) in distinct.enumerated() { rankOf[bytes] = UInt32(rank) }
        return strings.map { rankOf[Array($0.utf8)] ?? 0 }
    }

    @Test func byteOrderRanksMatchSortedBytes() {
        var random = DuckDBOracle.Generator(state: 5)
        for size in [0, 1, 2, 17, 33, 300, 5000] {
            var text = TextColumn()
            var strings: [String] = []
            for _ in 0..<size {
                let s = Self.randomText(&random)
                strings.append(s)
                text.append(s)
            }
            let (ranks, distinct) = text.bytes.withUnsafeBytes { bytes in
                text.offsets.withUnsafeBufferPointer { ByteOrderRanks.denseRanks(bytes: bytes, offsets: $0) }
            }
            #expect(ranks == Self.referenceRanks(strings), "size \(size)")
            #expect(distinct == Set(strings.map { Array($0.utf8) }).count)
        }
    }

    @Test func byteOrderRanksWithinGroups() {
        var random = DuckDBOracle.Generator(state: 8)
        let n = 4000
        let groupOf = (0..<n).map { _ in random.below(random.below(2) == 0 ? 3 : 200) }
        var text = TextColumn()
        var strings: [String] = []
        for _ in 0..<n {
            let s = Self.randomText(&random)
            strings.append(s)
            text.append(s)
        }
        let layout = PartitionLayout(partitions: groupOf.map { Int32($0) }, count: 200)
        let (ranks, distinct) = text.bytes.withUnsafeBytes { bytes in
            text.offsets.withUnsafeBufferPointer { offsets in
                layout.places.withUnsafeBufferPointer { ByteOrderRanks.denseRanks(bytes: bytes, offsets: offsets, places: $0, bounds: layout.bounds) }
            }
        }
        var largest = 0
        for group in 0..<200 {
            let rows = (0..<n).filter { groupOf[$0] == group }
            let expected = Self.referenceRanks(rows.map { strings[$0] })
            #expect(rows.map { ranks[$0] } == expected, "group \(group)")
            largest = max(largest, Set(rows.map { strings[$0] }).count)
        }
        #expect(distinct == largest)
    }

    @Test func textCodeTableRanksDistinctKeys() {
        var random = DuckDBOracle.Generator(state: 3)
        var table = TextCodeTable(seed: 42)
        var keys: [String] = []
        for _ in 0..<3000 {
            var s = Self.randomText(&random)
            let before = table.count
            _ = s.withUTF8 { table.findOrInsert(UnsafeRawBufferPointer($0), next: Int32(before)) }
            if table.count > before { keys.append(s) }
        }
        #expect(table.ranksInByteOrder() == Self.referenceRanks(keys).map { Int($0) })
    }

    @Test func keyedRowSortIsAStableSort() {
        var random = DuckDBOracle.Generator(state: 21)
        for size in [0, 1, 2, 5, 47, 48, 49, 100, 1000, 20_000] {
            for spread: UInt64 in [1, 3, 1000, .max] {
                var rows = (0..<size).map { i -> KeyedRow in
                    let key = spread == .max ? random.next() : random.next() % spread
                    // Keys in a few bytes only, or high bytes, so skipped passes are exercised.
                    return KeyedRow(key: random.below(2) == 0 ? key : key << 40, row: UInt32(i))
                }
                let expected = rows.enumerated().sorted { a, b in
                    a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
                }.map(\.element)
                var scratch = [KeyedRow](repeating: KeyedRow(key: 0, row: 0), count: size)
                rows.withUnsafeMutableBufferPointer { rows in
                    scratch.withUnsafeMutableBufferPointer { KeyedRowSort.sort(rows, scratch: $0) }
                }
                #expect(rows == expected, "size \(size), spread \(spread)")
            }
        }
    }

    /// A key's cell compared as the window documents: numbers numerically (-0 as 0, NaN
    /// above everything), text by UTF-8 bytes; nulls first or last.
    private static func compare(_ a: Value, _ b: Value, descending: Bool, nullsFirst: Bool) -> Int {
        switch (a.isNull, b.isNull) {
        case (true, true): return 0
        case (true, false): return nullsFirst ? -1 : 1
        case (false, true): return nullsFirst ? 1 : -1
        case (false, false): break
        }
        var c = 0
        switch (a, b) {
        case (.int(let x), .int(let y)): c = x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)):
            c = Array(x.utf8) == Array(y.utf8) ? 0 : (Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : 1)
        default:
            let (x, y) = (a.number ?? 0, b.number ?? 0)
            if x.isNaN || y.isNaN {
                c = x.isNaN && y.isNaN ? 0 : (x.isNaN ? 1 : -1)
            } else {
                c = x < y ? -1 : (x == y ? 0 : 1)
            }
        }
        return descending ? -c : c
    }

    /// Random batches: a partition field `p` (ints with nulls), an int key `i` (full range,
    /// with nulls and a batch without it), a double key `d` (-0, NaN, infinities, nulls), a
    /// text key `t` (with a batch without it), and, if `mixLayouts`, one batch in the
    /// general `[Value]` layout (so fields join cell by cell instead of in typed storage).
    private static func randomBatches(_ random: inout DuckDBOracle.Generator, rows: Int, partitions: Int, mixLayouts: Bool) -> [RecordBatch] {
        let ints = [Int.min, Int.max, -1, 0, 1, 7, -1_000_000_007, 1 << 40]
        let doubles = [0.0, -0.0, .nan, .infinity, -.infinity, 1.5, -2.25, 1e300, -1e-300]
        var batches: [RecordBatch] = []
        var position = 1
        var start = 0
        while start < rows {
            let count = min(rows - start, 1 + random.below(700))
            var records: [ValueObject] = []
            for _ in 0..<count {
                var fields: [(String, Value)] = []
                fields.append(("p", random.below(30) == 0 ? .null : .int(random.below(partitions))))
                if batches.count != 2 {
                    let i: Value = random.below(10) == 0 ? .null : .int(random.below(3) == 0 ? ints[random.below(ints.count)] : random.below(20) - 10)
                    fields.append(("i", i))
                }
                fields.append(("d", random.below(12) == 0 ? .null : .double(random.below(2) == 0 ? doubles[random.below(doubles.count)] : Double(random.below(9)) / 4)))
                if batches.count != 4 { fields.append(("t", random.below(15) == 0 ? .null : .string(randomText(&random)))) }
                records.append(ValueObject(fields))
            }
            let batch = RecordBatch(records: records, positions: Array(position..<(position + count)))
            batches.append(mixLayouts && batches.count == 3 ? valuesLayout(batch) : batch)
            position += count
            start += count
        }
        return batches
    }

    /// The window's order, rank and dense rank against a stable sort with the reference
    /// comparison, over several key combinations, directions and null placements, with many
    /// small partitions and with a few large ones.
    @Test func windowOrderMatchesAReferenceSort() throws {
        var random = DuckDBOracle.Generator(state: 99)
        let keySets: [[(String, Bool, Bool)]] = [
            [("t", false, false)],
            [("t", true, true), ("i", false, false)],
            [("i", false, false)],
            [("i", true, true)],
            [("d", false, false), ("i", true, false)],
            [("d", true, true), ("t", false, true), ("i", false, false)],
        ]
        for (round, partitions) in [1, 3, 400].enumerated() {
            let batches = Self.randomBatches(&random, rows: 3000 + 500 * round, partitions: partitions, mixLayouts: round == 1)
            #expect(batches.count > 5)
            let records = batches.flatMap(\.records)
            let positions = batches.flatMap(\.positions)
            var partitionOf: [Value: Int] = [:]
            let partition = records.map { record -> Int in
                let key = record["p"] ?? .null
                if let known = partitionOf[key] { return known }
                partitionOf[key] = partitionOf.count
                return partitionOf.count - 1
            }
            for keys in keySets {
                let orderJSON = keys.map { #"{"field": "\#($0.0)", "direction": "\#($0.1 ? "desc" : "asc")", "nulls": "\#($0.2 ? "first" : "last")"}"# }
                let window = try make(
                    Window.self,
                    """
                    {"partitionBy": ["p"], "orderBy": [\(orderJSON.joined(separator: ","))],
                     "functions": [{"function": "rank", "as": "r"}, {"function": "dense_rank", "as": "dr"},
                                   {"function": "lag", "field": "t", "as": "prev_t"}, {"function": "lead", "field": "i", "as": "next_i", "default": 0}]}
                    """)
                var state = window.makeState()
                for batch in batches { _ = try window.consume(batch, into: &state) }
                let out = try window.finish(state)

                func compareRows(_ a: Int, _ b: Int) -> Int {
                    if partition[a] != partition[b] { return partition[a] < partition[b] ? -1 : 1 }
                    for (field, descending, nullsFirst) in keys {
                        let c = Self.compare(records[a][field] ?? .null, records[b][field] ?? .null, descending: descending, nullsFirst: nullsFirst)
                        if c != 0 { return c }
                    }
                    return 0
                }
                let order = records.indices.sorted { a, b in
                    let c = compareRows(a, b)
                    return c != 0 ? c < 0 : a < b
                }
                var ranks: [Value] = []
                var denseRanks: [Value] = []
                var prevT: [Value] = []
                var nextI: [Value] = []
                var partitionStart = 0
                for (place, row) in order.enumerated() {
                    let first = place == 0 || partition[order[place - 1]] != partition[row]
                    let last = place == order.count - 1 || partition[order[place + 1]] != partition[row]
                    if first {
                        partitionStart = place
                        ranks.append(.int(1))
                        denseRanks.append(.int(1))
                    } else if compareRows(order[place - 1], row) != 0 {
                        ranks.append(.int(place - partitionStart + 1))
                        if case .int(let d) = denseRanks[place - 1] { denseRanks.append(.int(d + 1)) }
                    } else {
                        ranks.append(ranks[place - 1])
                        denseRanks.append(denseRanks[place - 1])
                    }
                    prevT.append(first ? .null : (records[order[place - 1]]["t"] ?? .null))
                    nextI.append(last ? .int(0) : (records[order[place + 1]]["i"] ?? .null))
                }
                let label = "partitions \(partitions), keys \(keys.map(\.0))"
                #expect(Self.firstDifference(out.positions, order.map { positions[$0] }) == nil, "positions, \(label)")
                for (field, expected) in [("r", ranks), ("dr", denseRanks), ("prev_t", prevT), ("next_i", nextI)] {
                    let got = (0..<out.count).map { out.column(named: field)?.value(at: $0) ?? .null }
                    #expect(Self.firstDifference(got, expected) == nil, "\(field), \(label)")
                }
                // Every input field comes through unchanged, row for row (NaN compared as text).
                for field in ["p", "i", "d", "t"] {
                    let got = out.records.map { $0[field].map(Self.canonical) }
                    let expected = order.map { records[$0][field].map(Self.canonical) }
                    #expect(Self.firstDifference(got, expected) == nil, "\(field), \(label)")
                }
            }
        }
    }

    /// The first place where `a` and `b` differ, with both elements, or `nil` when equal.
    private static func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String? {
        guard a.count == b.count else { return "counts \(a.count) and \(b.count)" }
        return a.indices.first { a[$0] != b[$0] }.map { "at \($0): \(a[$0]) vs \(b[$0])" }
    }

    /// NaN never equals itself; compare its text instead.
    private static func canonical(_ value: Value) -> String {
        JSONText.string(value) + "|" + String(describing: value)
    }
}

import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Everything one dedupe run emitted, from `consume` and the finishing stream, in order.
private struct DedupeRun {
    var records: [ValueObject] = []
    var positions: [Int] = []
    /// The state's estimate after each consume that followed the first spill.
    var bytesAfterSpill: [Int] = []

    mutating func add(_ batch: RecordBatch) {
        records.append(contentsOf: batch.records)
        positions.append(contentsOf: batch.positions)
    }
}

/// Runs `dedupe` over `batches`, spilling before consuming batch `i` for each `i` in
/// `spillBefore` (`batches.count`: before finishing), and drains the finishing stream.
/// Returns what it emitted and the spill space's counters once stream and state are gone.
private func run(
    _ dedupe: Dedupe, _ batches: [RecordBatch], spillBefore: Set<Int>, directory: String
) throws -> (run: DedupeRun, bytesWritten: Int, openFiles: Int, openWhileHeld: Int) {
    let space = SpillSpace(directory: directory)
    var out = DedupeRun()
    var openWhileHeld = 0
    try {
        var state = dedupe.makeState()
        for (index, batch) in batches.enumerated() {
            if spillBefore.contains(index) { try dedupe.spill(&state, to: space) }
            let result = try dedupe.consume(batch, into: &state)
            #expect(result.rejected.isEmpty)
            out.add(result.batch)
            if state.hasSpilled { out.bytesAfterSpill.append(dedupe.estimatedBytes(of: state)) }
        }
        if spillBefore.contains(batches.count) { try dedupe.spill(&state, to: space) }
        let stream = try dedupe.finish(state, space: space)
        while let batch = try stream.next() { out.add(batch) }
        openWhileHeld = space.openFiles
    }()
    return (out, space.bytesWritten, space.openFiles, openWhileHeld)
}

/// 30,000 rows in batches of 1,000: about 3,000 values of `k1` written as ints, integral
/// doubles, text (`"7"` apart from `7`), booleans, timestamps and arrays by batch, with nulls
/// and absent keys (one batch has no `k1` at all); `k2` a few regions or ints, also null or
/// absent; field order and an `extra` field varying by batch.
private func mixedInput(seed: UInt64) -> [RecordBatch] {
    var random = DuckDBOracle.Generator(state: seed)
    let orders = [["id", "k1", "k2", "v"], ["k2", "id", "v", "k1"], ["v", "k1", "id", "k2"]]
    let regions = ["EU", "US", "APAC"]
    return (0..<30).map { b in
        let records = (0..<1000).map { i -> ValueObject in
            let g = b * 1000 + i
            let n = random.below(3000)
            var k1: Value?
            switch random.below(100) {
            case 0..<4: k1 = .null
            case 4..<7: k1 = nil
            default:
                switch b % 4 {
                case 0: k1 = .int(n)
                case 1: k1 = random.below(10) == 0 ? .double(Double(n) + 0.5) : .double(n == 0 ? -0.0 : Double(n))
                case 2: k1 = .string(random.below(4) == 0 ? "\(n)" : "key-\(n)-\(String(repeating: "x", count: n % 13))")
                default:
                    let kinds: [Value] = [
                        .int(n), .double(Double(n)), .string("\(n)"), .bool(n % 2 == 0),
                        .timestamp(Timestamp(microseconds: Int64(n % 50))), .array([.int(n % 7)]), .array([.double(Double(n % 7))]),
                    ]
                    k1 = kinds[random.below(kinds.count)]
                }
            }
            // One batch lacks the field altogether.
            if b == 17 { k1 = nil }
            var k2: Value?
            switch random.below(20) {
            case 0: k2 = .null
            case 1: k2 = nil
            default: k2 = b % 3 == 0 ? .int(random.below(3)) : .string(regions[random.below(regions.count)])
            }
            var pairs: [(String, Value)] = []
            for field in orders[b % 3] {
                switch field {
                case "id": pairs.append(("id", .int(g)))
                case "k1": if let k1 { pairs.append(("k1", k1)) }
                case "k2": if let k2 { pairs.append(("k2", k2)) }
                default: pairs.append(("v", random.below(3) == 0 ? .string("v\(g)") : .double(Double(g) / 4)))
                }
            }
            if b % 5 == 0, random.below(2) == 0 { pairs.append(("extra", .int(g))) }
            return ValueObject(pairs)
        }
        return RecordBatch(records: records, positions: (0..<1000).map { (b * 1000 + $0) * 3 + 7 })
    }
}

/// Compares a spilled run with the in-memory one, record by record.
private func expectSame(_ spilled: DedupeRun, _ reference: DedupeRun, _ label: String) {
    #expect(spilled.records.count == reference.records.count, "\(label)")
    #expect(spilled.positions == reference.positions, "\(label)")
    let mismatch = zip(spilled.records, reference.records).enumerated().first { $0.element.0 != $0.element.1 }
    #expect(mismatch == nil, "\(label): first differing record \(mismatch.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
}

@Suite struct DedupeSpillTests {
    @Test(arguments: ["first", "last"])
    func spilledRunsEmitWhatTheInMemoryRunEmits(keep: String) throws {
        let directory = try TemporaryDirectory(prefix: "sluice-dedupe-spill")
        defer { directory.remove() }
        let input = mixedInput(seed: 42)
        let schedules: [(String, Set<Int>)] = [
            ("before any batch", [0]), ("after the first batch", [1]), ("midway", [15]),
            ("after every batch", Set(1...30)), ("several times and before finishing", [3, 11, 22, 30]),
        ]
        for keys in [#"["k1"]"#, #"["k1", "k2"]"#] {
            let dedupe = try make(Dedupe.self, #"{"fields": \#(keys), "keep": "\#(keep)"}"#)
            let reference = try run(dedupe, input, spillBefore: [], directory: directory.path)
            #expect(reference.bytesWritten == 0)
            #expect(reference.run.records.count > 2000, "several thousand distinct keys")
            for (name, schedule) in schedules {
                let label = "keep \(keep), fields \(keys), spill \(name)"
                let spilled = try run(dedupe, input, spillBefore: schedule, directory: directory.path)
                expectSame(spilled.run, reference.run, label)
                #expect(spilled.bytesWritten > 0, "\(label)")
                #expect(spilled.openFiles == 0, "\(label)")
                #expect(spilled.openWhileHeld > 0, "\(label): the stream reads from its files")
                // After the spill the state holds buffers and bookkeeping, not keys or rows.
                #expect((spilled.run.bytesAfterSpill.max() ?? 0) < 3 << 20, "\(label)")
            }
            #expect(try directory.list().isEmpty, "spill files have no names")
        }
    }

    /// `keep: "last"` emits one batch whose fields are the union of the batches its state
    /// still holds, which depends on when it dropped superseded rows: 200,000 rows over 310
    /// keys make it drop them several times, and field order varies by batch so that which
    /// batches remain shows in each record's field order.
    @Test func lastKeepsTheInMemoryFieldOrderAcrossDroppedBatches() throws {
        let directory = try TemporaryDirectory(prefix: "sluice-dedupe-spill")
        defer { directory.remove() }
        let batches = (0..<40).map { b -> RecordBatch in
            let records = (0..<5000).map { i -> ValueObject in
                let g = b * 5000 + i
                // Keys 300..<310 occur only in batch 3, which so keeps live rows to the end.
                let k = b == 3 && i < 10 ? 300 + i : g % 300
                switch b {
                case 3: return ValueObject([("w", .int(g)), ("v", .int(g)), ("k", .int(k))])
                case _ where b % 2 == 0: return ValueObject([("v", .int(g)), ("k", .int(k))])
                default: return ValueObject([("k", .int(k)), ("v", .string("v\(g)"))])
                }
            }
            return RecordBatch(records: records, positions: (0..<5000).map { b * 5000 + $0 })
        }
        let dedupe = try make(Dedupe.self, #"{"fields": ["k"], "keep": "last"}"#)
        let reference = try run(dedupe, batches, spillBefore: [], directory: directory.path)
        #expect(reference.run.records.count == 310)
        #expect(reference.run.records.first?.keys == ["w", "v", "k"] || reference.run.records.first?.keys == ["v", "k"])
        for schedule: Set<Int> in [[1], [2], [20], [39], Set(1...40)] {
            let spilled = try run(dedupe, batches, spillBefore: schedule, directory: directory.path)
            expectSame(spilled.run, reference.run, "spill before \(schedule.sorted().prefix(3))")
            #expect(spilled.openFiles == 0)
            #expect((spilled.run.bytesAfterSpill.max() ?? 0) < 3 << 20)
        }
    }

    @Test func unspilledFinishIsTheInMemoryBatch() throws {
        let directory = try TemporaryDirectory(prefix: "sluice-dedupe-spill")
        defer { directory.remove() }
        let space = SpillSpace(directory: directory.path)
        let dedupe = try make(Dedupe.self, #"{"fields": ["k1"], "keep": "last"}"#)
        var state = dedupe.makeState()
        for batch in mixedInput(seed: 7).prefix(3) { _ = try dedupe.consume(batch, into: &state) }
        let stream = try dedupe.finish(state, space: space)
        let whole = try dedupe.finish(state)
        #expect(try stream.next()?.records == whole.records)
        #expect(try stream.next() == nil)
        #expect(space.filesCreated == 0)
    }

    /// Values the key table calls equal meet in one partition, whatever their column layout.
    @Test func partitionHashFollowsKeyEquality() throws {
        let equal: [[Value]] = [
            [.int(1), .double(1.0)], [.int(0), .double(-0.0), .double(0.0)], [.double(.nan), .double(-.nan)],
            [.int(-7_000_000_000_000), .double(-7e12)], [.double(2.5), .double(2.5)], [.null, .null],
            [.string("1"), .string("1")], [.array([.int(1)]), .array([.double(1)])],
        ]
        for group in equal {
            // Each value in a typed column of its own, in a `[Value]` column, and as a value.
            let hashes = group.flatMap { value in
                [
                    GroupKeyHash.hash(Column(values: [value]), row: 0),
                    GroupKeyHash.hash(Column(storage: .values([value])), row: 0), GroupKeyHash.hash(value),
                ]
            }
            #expect(Set(hashes).count == 1, "\(group)")
        }
        // Null, absent and a missing column are one key.
        let absent = Column.absent(count: 1)
        #expect(GroupKeyHash.hash(nil, row: 0) == GroupKeyHash.hash(absent, row: 0))
        #expect(GroupKeyHash.hash(nil, row: 0) == GroupKeyHash.hash(.null))
        // Text as a text column and as values.
        var text = TextColumn()
        text.append("key-42")
        #expect(GroupKeyHash.hash(Column(storage: .text(text)), row: 0) == GroupKeyHash.hash(.string("key-42")))
        // Keys the table keeps apart may still share a partition, but not as a rule.
        #expect(GroupKeyHash.hash(.string("1")) != GroupKeyHash.hash(.int(1)))
        #expect(GroupKeyHash.hash(.bool(true)) != GroupKeyHash.hash(.int(1)))
    }
}

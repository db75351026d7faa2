import SluiceCore
import Testing

@testable import SluiceOperators

/// A join whose lookup data is partitioned on disk (``GraceJoinBuilder``, ``GraceJoin``)
/// gives exactly the in-memory join: the same batches, with the same fields in the same
/// order, the same rows in the same order (input order; a record's matches in lookup order),
/// the same values and positions, whatever the keys hold and however often it spills.
@Suite struct GraceJoinTests {
    /// What the key fields hold.
    enum KeyStyle: String, CaseIterable, Sendable {
        /// Ints, many repeated on both sides.
        case ints
        /// Text with case and Unicode-normalization variants, which never match each other.
        case text
        /// Ints on one side; ints, integral and fractional doubles, `-0.0`, NaN and numeric
        /// text on the other (only numbers of equal value match).
        case numbers
        /// Booleans, timestamps and arrays (`[1]` matches `[1.0]`), besides ints.
        case others
        /// Two key fields: a number and a text.
        case composite
    }

    static let with = #""with": {"type": "file", "config": {"path": "right.csv"}}"#

    /// The join configs run for each style: every lookup field (`v` clashes with the records'
    /// own `v` in some batches), chosen fields with a prefix, and a key named differently on
    /// each side.
    static func configs(_ style: KeyStyle, kind: String) -> [String] {
        let on = style == .composite ? #"["k", "t"]"# : #""k""#
        var configs = [
            #"{\#(with), "on": \#(on), "type": "\#(kind)"}"#,
            #"{\#(with), "on": \#(on), "type": "\#(kind)", "fields": ["w", "v", "rid"], "prefix": "r_"}"#,
        ]
        if style != .composite {
            configs.append(#"{\#(with), "on": {"left": "lk", "right": "k"}, "type": "\#(kind)", "fields": ["v"]}"#)
        }
        return configs
    }

    static let cases: [(KeyStyle, String)] = KeyStyle.allCases.flatMap { style in ["inner", "left"].map { (style, $0) } }

    @Test(arguments: cases)
    func aGraceJoinGivesExactlyTheInMemoryJoin(style: KeyStyle, kind: String) throws {
        let (left, right) = Self.data(style, seed: UInt64(style.rawValue.utf8.count) &* 31 &+ 7)
        for config in Self.configs(style, kind: kind) {
            let join = try make(Join.self, config)
            let expected = try Self.inMemory(join, left: left, right: right)
            #expect(expected.reduce(0) { $0 + $1.count } > 100, "the data joins")
            let runs: [(partitions: Int, flushBytes: Int, spillEvery: Int, mergeRows: Int)] = [
                (16, 1 << 30, 0, 16_384), (4, 4 << 10, 3, 97), (1, 1 << 30, 1, 1), (32, 16 << 10, 0, 1000),
            ]
            for run in runs {
                let space = makeSpillSpace()
                do {
                    let out = try Self.grace(
                        join, left: left, right: right, partitions: run.partitions, flushBytes: run.flushBytes, spillEvery: run.spillEvery,
                        mergeRows: run.mergeRows, space: space)
                    #expect(Self.firstDifference(out, expected) == nil, "\(style) \(config) \(run)")
                }
                #expect(space.bytesWritten > 0)
                #expect(space.openFiles == 0, "every spill file is closed once the output is read")
            }
        }
    }

    /// A `lookup` (a left join without `type`) partitions the same way.
    @Test func aLookupRunsAsAGraceJoin() throws {
        let (left, right) = Self.data(.numbers, seed: 5)
        let lookup = try make(Lookup.self, #"{\#(Self.with), "on": "k", "fields": ["v"]}"#)
        let join = try #require(lookup.partitionedJoin)
        let prepared = try lookup.prepared(with: RecordBatch.concatenate(right))
        let expected = try left.map { try prepared.process($0).batch }.filter { !$0.isEmpty }
        let out = try Self.grace(join, left: left, right: right, partitions: 8, flushBytes: 8 << 10, spillEvery: 2, space: makeSpillSpace())
        #expect(Self.firstDifference(out, expected) == nil)
    }

    /// Right and full joins must hold their lookup data: they cannot be partitioned.
    @Test(arguments: ["right", "full"])
    func rightAndFullJoinsAreNotPartitioned(kind: String) throws {
        let join = try make(Join.self, #"{\#(Self.with), "on": "k", "type": "\#(kind)"}"#)
        #expect(join.partitionedJoin == nil)
        let error = specError { _ = try GraceJoinBuilder(join: join, space: makeSpillSpace()) }
        #expect(error?.message.contains("only inner and left joins") == true, "\(String(describing: error))")
    }

    /// The lookup data's checks are the in-memory join's: a requested field no lookup record
    /// has fails with the same error, before any record is joined.
    @Test func aMissingLookupFieldFailsAsInMemory() throws {
        let (_, right) = Self.data(.ints, seed: 3)
        let join = try make(Join.self, #"{\#(Self.with), "on": "k", "fields": ["v", "nope"]}"#)
        let inMemory = specError { _ = try join.prepared(with: RecordBatch.concatenate(right)) }
        var builder = try GraceJoinBuilder(join: join, space: makeSpillSpace())
        for batch in right { try builder.append(batch) }
        let partitioned = specError { _ = try builder.finish() }
        #expect(inMemory != nil)
        #expect(partitioned?.path == inMemory?.path)
        #expect(partitioned?.message == inMemory?.message)
        let noKey = try make(Join.self, #"{\#(Self.with), "on": "nokey"}"#)
        var keyless = try GraceJoinBuilder(join: noKey, space: makeSpillSpace())
        for batch in right { try keyless.append(batch) }
        #expect(specError { _ = try keyless.finish() }?.message == specError { _ = try noKey.prepared(with: RecordBatch.concatenate(right)) }?.message)
    }

    /// Keys that the join treats as equal land in the same partition, and keys that never
    /// match get the partition past the last.
    @Test func equalKeysShareAPartition() {
        let partitioner = JoinPartitioner(count: 64, seed: 42)
        let equal: [[Value]] = [
            [.int(1), .double(1.0)], [.int(0), .double(-0.0), .double(0.0)], [.string("é"), .string("é")],
            [.array([.int(1)]), .array([.double(1)])], [.int(1 << 60), .double(Double(1 << 60))],
        ]
        for group in equal {
            // Each value alone in a typed column (ints, doubles, text), and all in `[Value]` storage.
            var batches = group.map { value in RecordBatch(fields: ["k"], columns: [Column(values: [value])], positions: [1]) }
            batches.append(RecordBatch(fields: ["k"], columns: [Column(storage: .values(group))], positions: Array(1...group.count)))
            let partitions = batches.flatMap { partitioner.partitions(of: $0, keyFields: ["k"]) }
            #expect(Set(partitions).count == 1, "\(group)")
        }
        let never = RecordBatch(
            fields: ["k"], columns: [Column(storage: .values([.null, .double(.nan), .int(1)]), presence: [.null, .present, .absent])], positions: [1, 2, 3])
        #expect(partitioner.partitions(of: never, keyFields: ["k"]) == [64, 64, 64])
        #expect(partitioner.partitions(of: never, keyFields: ["missing"]) == [64, 64, 64])
    }

    // MARK: - Running both ways

    /// The in-memory join: one output batch per input batch with rows.
    static func inMemory(_ join: Join, left: [RecordBatch], right: [RecordBatch]) throws -> [RecordBatch] {
        let prepared = try join.prepared(with: RecordBatch.concatenate(right))
        return try left.map { try prepared.process($0).batch }.filter { !$0.isEmpty }
    }

    /// The grace join, spilling the records after every `spillEvery` batches (never when 0).
    static func grace(
        _ join: Join, left: [RecordBatch], right: [RecordBatch], partitions: Int, flushBytes: Int, spillEvery: Int, mergeRows: Int = 16_384,
        space: SpillSpace
    ) throws -> [RecordBatch] {
        var builder = try GraceJoinBuilder(join: join, partitions: partitions, space: space, flushBytes: flushBytes)
        for batch in right { try builder.append(batch) }
        var grace = try builder.finish()
        grace.mergeBatchRows = mergeRows
        #expect(grace.spills)
        var state = grace.makeState()
        for (i, batch) in left.enumerated() {
            let result = try grace.consume(batch, into: &state)
            #expect(result.batch.isEmpty && result.rejected.isEmpty)
            if spillEvery > 0, (i + 1) % spillEvery == 0 {
                try grace.spill(&state, to: space)
                #expect(grace.estimatedBytes(of: state) < 64 << 10, "a spill leaves little in memory")
            }
        }
        let stream = try grace.finish(state, space: space)
        state = grace.makeState()
        var out: [RecordBatch] = []
        while let batch = try stream.next() { out.append(batch) }
        return out
    }

    /// Where `a` and `b` first differ (batch, field list, position or cell), `nil` when they
    /// are identical: values compare strictly (`1` is not `1.0`, null is not absent).
    static func firstDifference(_ a: [RecordBatch], _ b: [RecordBatch]) -> String? {
        for (i, (x, y)) in zip(a, b).enumerated() {
            if x.fields != y.fields { return "batch \(i): fields \(x.fields) vs \(y.fields)" }
            if x.count != y.count { return "batch \(i): \(x.count) rows vs \(y.count)" }
            for row in 0..<x.count {
                if x.positions[row] != y.positions[row] { return "batch \(i) row \(row): position \(x.positions[row]) vs \(y.positions[row])" }
                for (f, field) in x.fields.enumerated() {
                    let (p, q) = (x.columns[f].presence(at: row), y.columns[f].presence(at: row))
                    let (v, w) = (x.columns[f].value(at: row), y.columns[f].value(at: row))
                    if p != q || !identical(v, w) { return "batch \(i) row \(row) field \(field): \(p) \(v) vs \(q) \(w)" }
                }
            }
        }
        return a.count == b.count ? nil : "\(a.count) batches vs \(b.count)"
    }

    /// Whether two values are the same value of the same kind (doubles by their bits).
    static func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
        case (.int(let x), .int(let y)): return x == y
        case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)): return x.keys == y.keys && zip(x.values, y.values).allSatisfy { identical($0, $1) }
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.timestamp(let x), .timestamp(let y)): return x == y
        default: return false
        }
    }
}

extension GraceJoinTests {
    /// Seeded records (`id`, `k`, `lk` = `k`, `t`, sometimes `v` and `extra`) in batches of
    /// varied sizes and fields (one empty, some without the key fields), and lookup records
    /// (`rid`, `k`, `t`, `v`, `w`) where keys repeat, some lack `v` and some batches lack `w`.
    /// About one key in eight is null and one in twenty-five missing, on both sides.
    static func data(_ style: KeyStyle, seed: UInt64) -> (left: [RecordBatch], right: [RecordBatch]) {
        var random = DuckDBOracle.Generator(state: seed)
        var left: [RecordBatch] = []
        var position = 1
        for b in 0..<30 {
            let size = b == 4 ? 0 : 1 + random.below(250)
            var records: [ValueObject] = []
            for i in 0..<size {
                var record = ValueObject()
                if b % 6 == 5 { record.appendUnchecked(key: "extra", value: .int(i)) }
                record.appendUnchecked(key: "id", value: .int(position + i))
                if b % 7 != 3, let key = key(style, &random, lookupSide: false, batch: b) {
                    record.appendUnchecked(key: "k", value: key)
                    record.appendUnchecked(key: "lk", value: key)
                }
                if style == .composite, let text = text(&random) { record.appendUnchecked(key: "t", value: text) }
                if b % 5 == 1 { record.appendUnchecked(key: "v", value: .string("left \(i)")) }
                if b % 6 == 2 { record.appendUnchecked(key: "extra", value: .double(Double(i) / 2)) }
                records.append(record)
            }
            left.append(size == 0 ? RecordBatch.empty : RecordBatch(records: records, positions: Array(position..<position + size)))
            position += size
        }
        var right: [RecordBatch] = []
        var rid = 0
        for b in 0..<8 {
            let size = 1 + random.below(300)
            var records: [ValueObject] = []
            for _ in 0..<size {
                var record = ValueObject()
                record.appendUnchecked(key: "rid", value: .int(rid))
                if let key = key(style, &random, lookupSide: true, batch: b + 1) { record.appendUnchecked(key: "k", value: key) }
                if style == .composite, let text = text(&random) { record.appendUnchecked(key: "t", value: text) }
                if random.below(10) != 0 { record.appendUnchecked(key: "v", value: random.below(3) == 0 ? .int(rid) : .string("v\(rid)")) }
                if b % 3 != 1 { record.appendUnchecked(key: "w", value: random.below(9) == 0 ? .null : .double(Double(rid) / 4)) }
                records.append(record)
                rid += 1
            }
            right.append(RecordBatch(records: records, positions: Array((rid - size + 1)...rid)))
        }
        return (left, right)
    }

    /// A key of `style` (`nil`: the record lacks the field). Batches take turns: in one the
    /// keys are all ints (or all text), in the next all doubles, in the third of mixed kinds,
    /// so the key columns' storage differs between batches and between the two sides.
    static func key(_ style: KeyStyle, _ random: inout DuckDBOracle.Generator, lookupSide: Bool, batch: Int) -> Value? {
        let roll = random.below(100)
        if roll < 12 { return .null }
        if roll < 16 { return nil }
        let g = random.below(style == .composite ? 40 : 150)
        let mode = batch % 3
        switch style {
        case .ints:
            return .int(g)
        case .text:
            let forms = ["k\(g)", "K\(g)", "\u{e9}\(g)", "e\u{301}\(g)", "k\(g) "]
            if mode == 2, random.below(20) == 0 { return .int(g) }
            return .string(forms[random.below(lookupSide ? forms.count : 3)])
        case .numbers, .composite:
            if mode == 0 { return .int(random.below(7) == 0 ? g + (1 << 60) : g) }
            if mode == 1 {
                switch random.below(4) {
                case 0: return .double(Double(g) + 0.5)
                case 1: return g == 0 ? .double(-0.0) : .double(Double(g + (1 << 60)))
                default: return .double(Double(g))
                }
            }
            switch random.below(lookupSide ? 8 : 5) {
            case 0: return .double(Double(g))
            case 1: return .double(Double(g) + 0.5)
            case 2: return .string("\(g)")
            case 5: return .double(.nan)
            case 6: return g == 0 ? .double(-0.0) : .int(g + (1 << 60))
            case 7: return .double(Double(g) * 1e300)
            default: return .int(g)
            }
        case .others:
            if mode == 0 { return .bool(g % 2 == 0) }
            switch random.below(5) {
            case 0: return .bool(g % 2 == 0)
            case 1: return .timestamp(Timestamp(microseconds: Int64(g % 20) * 1_000_000))
            case 2: return .array([.int(g % 30)])
            case 3: return .array([.double(Double(g % 30))])
            default: return .int(g)
            }
        }
    }

    /// The second field of a composite key: a few texts, null or missing.
    static func text(_ random: inout DuckDBOracle.Generator) -> Value? {
        switch random.below(12) {
        case 0: return .null
        case 1: return nil
        default: return .string(["a", "A", "b", "\u{e9}"][random.below(4)])
        }
    }
}

import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

/// An aggregate that spills partial states by hash partition and merges them again gives
/// exactly the in-memory result: the same groups in the same (first-seen) order, the same
/// values of the same types, the same fields and positions.
@Suite struct AggregateSpillTests {
    /// Every function, over numbers, over mixed values, and the row count.
    static let everyFunction = #"""
        {"v": ["sum", "avg", "min", "max", "median", "stddev", "stddev_pop", "variance", "variance_pop",
               "countDistinct", "countNonNull", {"function": "percentile", "p": 0.25},
               {"function": "percentile", "p": 0.9}, "first", "last", "collect"],
         "w": ["first", "last", "collect", "countDistinct", "countNonNull", "min", "max", "sum", "median", "variance"],
         "n": "count"}
        """#

    static let configs = [
        // Two fields (ints, doubles equal to them, text, nulls and missing in a; text, ints, nulls in b).
        #"{"groupBy": ["a", "b"], "aggregations": \#(everyFunction)}"#,
        // One field of mixed kinds.
        #"{"groupBy": ["a"], "aggregations": \#(everyFunction)}"#,
        // Three fields, booleans and timestamps among them.
        #"{"groupBy": ["c", "b", "a"], "aggregations": {"v": ["sum", "median", "collect", "last"], "n": "count"}}"#,
        // No grouping: one group for everything.
        #"{"aggregations": \#(everyFunction)}"#,
        // having on the outputs.
        #"{"groupBy": ["b", "a"], "aggregations": {"v": ["sum", "countDistinct"], "n": "count"}, "having": {"field": "n", "operator": "gt", "value": 3}}"#,
        // A group field no record has: one null group.
        #"{"groupBy": ["missing", "b"], "aggregations": {"v": ["avg", "first"], "w": "collect"}}"#,
    ]

    @Test(arguments: configs)
    func spilledAggregateEqualsInMemory(config: String) throws {
        let aggregate = try make(Aggregate.self, config)
        let batches = Self.input(rows: 20_000, batchSize: 500, seed: 7)
        let expected = try Self.inMemory(aggregate, batches)
        #expect(expected.count > (config == Self.configs[0] ? 4000 : 0))
        for every in [1, 4, 13] {
            let space = makeAggregateSpillSpace()
            let spilled = try Self.spilling(aggregate, batches, spillEvery: every, space: space)
            Self.expectSame(spilled, expected, "spill every \(every) batches")
            // One file per spill, one for what is left at the end (if anything), one for the output.
            #expect(space.filesCreated == batches.count / every + (batches.count % every == 0 ? 0 : 1) + 1)
            #expect(space.bytesWritten > 0)
            #expect(space.openFiles == 0)
        }
    }

    @Test(arguments: configs)
    func mergedBlockStatesWithSpillsEqualInMemory(config: String) throws {
        let aggregate = try make(Aggregate.self, config)
        let batches = Self.input(rows: 20_000, batchSize: 500, seed: 8)
        let expected = try Self.inMemory(aggregate, batches)
        for (blockSize, every) in [(1, 1), (3, 2), (4, 5)] {
            let space = makeAggregateSpillSpace()
            do {
                var state = aggregate.makeState()
                var merges = 0
                for start in stride(from: 0, to: batches.count, by: blockSize) {
                    var block = aggregate.makeState()
                    for batch in batches[start..<min(batches.count, start + blockSize)] { _ = try aggregate.consume(batch, into: &block) }
                    aggregate.merge(&state, block)
                    merges += 1
                    if merges % every == 0 { try aggregate.spill(&state, to: space) }
                }
                let spilled = try Self.drain(try aggregate.finish(state, space: space))
                Self.expectSame(spilled, expected, "blocks of \(blockSize), spill every \(every) merges")
            }
            #expect(space.bytesWritten > 0)
            #expect(space.openFiles == 0)
        }
    }

    /// States merged into states that were merges themselves (a tree, not a chain): the
    /// kept values of each merged state follow their groups through every level.
    @Test(arguments: configs)
    func statesMergedInATreeEqualInMemory(config: String) throws {
        let aggregate = try make(Aggregate.self, config)
        let batches = Self.input(rows: 8_000, batchSize: 500, seed: 9)
        let expected = try Self.inMemory(aggregate, batches)
        var level = try batches.map { batch in
            var state = aggregate.makeState()
            _ = try aggregate.consume(batch, into: &state)
            return state
        }
        while level.count > 1 {
            var next: [AggregateState] = []
            for start in stride(from: 0, to: level.count, by: 2) {
                var state = level[start]
                if start + 1 < level.count { aggregate.merge(&state, level[start + 1]) }
                next.append(state)
            }
            level = next
        }
        Self.expectSame(try aggregate.finish(level[0]), expected, "merged as a tree")
        // The same tree, spilled after the last merge.
        let space = makeAggregateSpillSpace()
        var spilled = level[0]
        try aggregate.spill(&spilled, to: space)
        Self.expectSame(try Self.drain(try aggregate.finish(spilled, space: space)), expected, "merged as a tree, then spilled")
    }

    @Test func aStateThatNeverSpilledGivesItsOneBatch() throws {
        let aggregate = try make(Aggregate.self, Self.configs[0])
        let batches = Self.input(rows: 3000, batchSize: 500, seed: 3)
        let space = makeAggregateSpillSpace()
        let out = try Self.spilling(aggregate, batches, spillEvery: 0, space: space)
        Self.expectSame(out, try Self.inMemory(aggregate, batches), "no spill")
        #expect(space.filesCreated == 0)
    }

    @Test func spillingEmptiesTheStateAndItsEstimate() throws {
        let aggregate = try make(Aggregate.self, Self.configs[0])
        var state = aggregate.makeState()
        let empty = aggregate.estimatedBytes(of: state)
        for batch in Self.input(rows: 5000, batchSize: 500, seed: 4) { _ = try aggregate.consume(batch, into: &state) }
        let full = aggregate.estimatedBytes(of: state)
        #expect(full > 20 * empty)
        let space = makeAggregateSpillSpace()
        try aggregate.spill(&state, to: space)
        #expect(state.groupCount == 0)
        #expect(aggregate.estimatedBytes(of: state) < empty + 1024)
        #expect(space.bytesWritten > 0)
        #expect(space.openFiles == 1)
        state = aggregate.makeState()
        #expect(space.openFiles == 0)
    }

    @Test func finishWithoutASpaceReadsTheSpills() throws {
        let aggregate = try make(Aggregate.self, Self.configs[1])
        let batches = Self.input(rows: 6000, batchSize: 500, seed: 5)
        let space = makeAggregateSpillSpace()
        do {
            var state = aggregate.makeState()
            for (i, batch) in batches.enumerated() {
                _ = try aggregate.consume(batch, into: &state)
                if i % 3 == 2 { try aggregate.spill(&state, to: space) }
            }
            Self.expectSame(try aggregate.finish(state), try Self.inMemory(aggregate, batches), "finish(_:)")
        }
        #expect(space.openFiles == 0)
    }

    @Test func mergingASpilledStateKeepsFirstSeenOrder() throws {
        let aggregate = try make(Aggregate.self, Self.configs[0])
        let batches = Self.input(rows: 8000, batchSize: 500, seed: 6)
        let space = makeAggregateSpillSpace()
        do {
            var first = aggregate.makeState()
            var second = aggregate.makeState()
            for (i, batch) in batches.enumerated() {
                if i < 7 {
                    _ = try aggregate.consume(batch, into: &first)
                    if i == 3 { try aggregate.spill(&first, to: space) }
                } else {
                    _ = try aggregate.consume(batch, into: &second)
                    if i == 10 { try aggregate.spill(&second, to: space) }
                }
            }
            aggregate.merge(&first, second)
            second = aggregate.makeState()
            let merged = try Self.drain(try aggregate.finish(first, space: space))
            Self.expectSame(merged, try Self.inMemory(aggregate, batches), "spilled state merged")
        }
        #expect(space.openFiles == 0)
    }

    /// With two group fields, each field shows a value in the form first seen for that field,
    /// also when the groups that saw each form were spilled apart.
    @Test func keyFormsFirstSeenAcrossSpillsAndPartitions() throws {
        let aggregate = try make(Aggregate.self, #"{"groupBy": ["a", "b"], "aggregations": {"n": "count"}}"#)
        let parts = try [
            batch(#"[{"a": 1.0, "b": "x"}, {"a": 2, "b": "x"}, {"a": -0.0, "b": "p"}]"#),
            batch(#"[{"a": 1, "b": "y"}, {"a": 2.0, "b": "y"}, {"a": 0, "b": "q"}, {"a": 1, "b": "x"}]"#),
            batch((0..<200).map { #"{"a": \#($0 % 3), "b": "z\#($0)"}"# }.joined(separator: ",").wrappedInBrackets),
        ]
        let expected = try Self.inMemory(aggregate, parts)
        // The forms one run shows: 1 as first seen (1.0), 2 as 2, 0 as -0.0, in every group.
        let forms = expected.records.map { record -> String in
            switch record["a"] {
            case .int(let i)?: return "int \(i)"
            case .double(let d)?: return "double \(d)"
            default: return "other"
            }
        }
        #expect(Array(forms.prefix(7)) == ["double 1.0", "int 2", "double -0.0", "double 1.0", "int 2", "double -0.0", "double -0.0"])
        #expect(Set(forms) == ["double 1.0", "int 2", "double -0.0"])
        let space = makeAggregateSpillSpace()
        Self.expectSame(try Self.spilling(aggregate, parts, spillEvery: 1, space: space), expected, "key forms")
    }

    /// Deviations of integers are exact sums, so any split of the input gives the same bits.
    @Test func deviationsOfIntegersDoNotDependOnTheSplit() throws {
        let aggregate = try make(Aggregate.self, #"{"groupBy": ["g"], "aggregations": {"v": ["stddev", "variance_pop"]}}"#)
        let rows = (0..<5000).map { i in ValueObject([("g", .int(i % 7)), ("v", .int((i * 7919) % 1009 - 500))]) }
        let whole = try Self.inMemory(aggregate, [RecordBatch(records: rows)])
        var parts = aggregate.makeState()
        for start in stride(from: 0, to: rows.count, by: 333).reversed() {
            var block = aggregate.makeState()
            _ = try aggregate.consume(RecordBatch(records: Array(rows[start..<min(rows.count, start + 333)])), into: &block)
            aggregate.merge(&parts, block)
        }
        let merged = try aggregate.finish(parts).records
        let byGroup = Dictionary(uniqueKeysWithValues: merged.map { ($0["g"] ?? .null, $0) })
        for row in whole.records {
            #expect(byGroup[row["g"] ?? .null]?["v_stddev"] == row["v_stddev"])
            #expect(byGroup[row["g"] ?? .null]?["v_variance_pop"] == row["v_variance_pop"])
        }
    }

    // MARK: - Running

    static func inMemory(_ aggregate: Aggregate, _ batches: [RecordBatch]) throws -> RecordBatch {
        var state = aggregate.makeState()
        for batch in batches { _ = try aggregate.consume(batch, into: &state) }
        return try aggregate.finish(state)
    }

    /// Consumes `batches`, spilling after every `spillEvery` (never when 0), then reads the
    /// finish stream to its end; the state and stream are gone when this returns.
    static func spilling(_ aggregate: Aggregate, _ batches: [RecordBatch], spillEvery: Int, space: SpillSpace) throws -> RecordBatch {
        var state = aggregate.makeState()
        for (i, batch) in batches.enumerated() {
            _ = try aggregate.consume(batch, into: &state)
            if spillEvery > 0, (i + 1) % spillEvery == 0 { try aggregate.spill(&state, to: space) }
        }
        return try drain(try aggregate.finish(state, space: space))
    }

    static func drain(_ stream: any BatchStream) throws -> RecordBatch {
        var batches: [RecordBatch] = []
        while let batch = try stream.next() { batches.append(batch) }
        return RecordBatch.concatenate(batches)
    }

    /// The same records (as values and as JSON text, so an int is not a double), positions
    /// and fields, where there are rows.
    static func expectSame(_ actual: RecordBatch, _ expected: RecordBatch, _ what: String) {
        #expect(actual.count == expected.count, "\(what)")
        #expect(actual.positions == expected.positions, "\(what)")
        if expected.count > 0 { #expect(actual.fields == expected.fields, "\(what)") }
        #expect(actual.records == expected.records, "\(what)")
        let (a, b) = (text(actual), text(expected))
        guard a != b else { return }
        let rows = min(actual.count, expected.count)
        let first = (0..<rows).first { text(actual.selecting([$0])) != text(expected.selecting([$0])) } ?? rows
        let shown = { (batch: RecordBatch) in first < batch.count ? text(batch.selecting([first])) : "none" }
        Issue.record("\(what): first difference at row \(first): \(shown(actual)) vs \(shown(expected))")
    }

    // MARK: - Input

    /// Seeded records: `a` ints (about 60 values), doubles equal to them, a few texts, nulls and
    /// missing; `b` text (about 90 values), some ints, nulls; `c` booleans, timestamps, ints
    /// and nulls; `v` integers as ints, doubles and numeric text, nulls, missing and text that
    /// is no number; `w` mixed values (text, ints, doubles, arrays, objects, nulls).
    static func input(rows: Int, batchSize: Int, seed: UInt64) -> [RecordBatch] {
        var random = DuckDBOracle.Generator(state: seed)
        var records: [ValueObject] = []
        records.reserveCapacity(rows)
        for _ in 0..<rows {
            var record = ValueObject()
            let a = random.below(60) - 10
            switch random.below(20) {
            case 0: record.appendUnchecked(key: "a", value: .null)
            case 1: break
            case 2, 3: record.appendUnchecked(key: "a", value: .double(Double(a)))
            case 4: record.appendUnchecked(key: "a", value: .string("t\(a % 4)"))
            default: record.appendUnchecked(key: "a", value: .int(a))
            }
            let b = random.below(90)
            switch random.below(15) {
            case 0: record.appendUnchecked(key: "b", value: .null)
            case 1: record.appendUnchecked(key: "b", value: .int(b % 9))
            default: record.appendUnchecked(key: "b", value: .string(b % 5 == 0 ? "é\(b)" : "b\(b)"))
            }
            switch random.below(6) {
            case 0: record.appendUnchecked(key: "c", value: .bool(random.below(2) == 0))
            case 1: record.appendUnchecked(key: "c", value: .timestamp(Timestamp(microseconds: Int64(random.below(3)) * 1_000_000)))
            case 2: record.appendUnchecked(key: "c", value: .null)
            default: record.appendUnchecked(key: "c", value: .int(random.below(3)))
            }
            let v = random.below(2001) - 1000
            switch random.below(12) {
            case 0: record.appendUnchecked(key: "v", value: .null)
            case 1: break
            case 2: record.appendUnchecked(key: "v", value: .double(Double(v)))
            case 3: record.appendUnchecked(key: "v", value: .string(String(v)))
            case 4: record.appendUnchecked(key: "v", value: .string("n/a"))
            default: record.appendUnchecked(key: "v", value: .int(v))
            }
            switch random.below(10) {
            case 0: record.appendUnchecked(key: "w", value: .null)
            case 1: record.appendUnchecked(key: "w", value: .double(Double(random.below(40))))
            case 2: record.appendUnchecked(key: "w", value: .array([.int(random.below(3)), .string("x")]))
            case 3: record.appendUnchecked(key: "w", value: .object(ValueObject([("k", .int(random.below(3)))])))
            case 4, 5: record.appendUnchecked(key: "w", value: .int(random.below(40)))
            default: record.appendUnchecked(key: "w", value: .string("w\(random.below(30))"))
            }
            records.append(record)
        }
        return stride(from: 0, to: rows, by: batchSize).map { start in
            let end = min(rows, start + batchSize)
            return RecordBatch(records: Array(records[start..<end]), positions: Array((start + 1)...end))
        }
    }
}

/// A spill space in a fresh temporary directory.
private func makeAggregateSpillSpace() -> SpillSpace {
    SpillSpace(directory: NSTemporaryDirectory() + "sluice-aggregate-spill-\(UUID().uuidString)")
}

extension String {
    fileprivate var wrappedInBrackets: String { "[" + self + "]" }
}

import SluiceCore
import Testing

@testable import SluiceOperators

/// A window that spills (partition, sort, stream partition by partition) gives exactly the
/// in-memory window: rows grouped by partition in first-seen order, sorted within, and the
/// same function values.
@Suite struct WindowSpillTests {
    static let functions = #"""
        [{"function": "row_number", "as": "rn"}, {"function": "rank", "as": "rk"},
         {"function": "dense_rank", "as": "drk"},
         {"function": "lag", "field": "amount", "as": "prev", "offset": 2, "default": -1},
         {"function": "lead", "field": "name", "as": "next_name"},
         {"function": "sum", "field": "amount", "as": "running"},
         {"function": "avg", "field": "amount", "as": "ma3", "frame": 3},
         {"function": "count", "as": "n"}, {"function": "count", "field": "amount", "as": "n_amount"},
         {"function": "min", "field": "amount", "as": "lo"}, {"function": "max", "field": "amount", "as": "hi", "frame": 2}]
        """#

    static let configs = [
        #"{"partitionBy": ["g"], "orderBy": [{"field": "when"}, {"field": "id"}], "functions": \#(functions)}"#,
        #"{"partitionBy": ["name", "mixed"], "orderBy": [{"field": "amount", "direction": "desc", "nulls": "first"}], "functions": \#(functions)}"#,
        #"{"partitionBy": ["g"], "functions": \#(functions)}"#,
        #"{"orderBy": [{"field": "mixed"}, {"field": "name", "direction": "desc"}], "functions": \#(functions)}"#,
    ]

    @Test(arguments: configs)
    func spilledWindowEqualsInMemoryWindow(config: String) throws {
        let window = try make(Window.self, config)
        let batches = mixedBatches(rows: 5000, batchSize: 250, seed: 23)
        let expected = try runStateful(window, batches)
        for every in [0, 1, 7] {
            let space = makeSpillSpace()
            let spilled = try runSpilling(window, batches, spillEvery: every, space: space)
            #expect(spilled.count == expected.count)
            #expect(spilled.fields == expected.fields)
            #expect(firstDifference(spilled.positions, expected.positions) == nil, "spill every \(every) batches")
            #expect(firstDifference(spilled.records, expected.records) == nil)
            #expect((space.bytesWritten > 0) == (every > 0))
            #expect(space.openFiles == 0)
        }
    }

    @Test func manySmallPartitionsComeOutInChunksOfWholePartitions() throws {
        // 70,000 rows over 20,000 partitions: the merged rows are cut into several chunks,
        // each ending at a partition boundary.
        let window = try make(Window.self, #"{"partitionBy": ["g"], "orderBy": [{"field": "id", "direction": "desc"}], "functions": [{"function": "row_number", "as": "rn"}, {"function": "sum", "field": "amount", "as": "s"}]}"#)
        let batches = mixedBatches(rows: 70_000, batchSize: 5000, seed: 4, groups: 20_000)
        let expected = try runStateful(window, batches)
        let space = makeSpillSpace()
        let spilled = try runSpilling(window, batches, spillEvery: 3, space: space)
        #expect(firstDifference(spilled.positions, expected.positions) == nil)
        #expect(firstDifference(spilled.records, expected.records) == nil)
    }

    @Test func theInMemoryStreamCutsWholePartitionsIntoChunks() throws {
        // 200,000 rows over 20,000 partitions: chunks of at most 65,536 rows, each ending at
        // a partition boundary; together exactly the one-batch finish.
        let window = try make(Window.self, #"{"partitionBy": ["g"], "orderBy": [{"field": "amount"}, {"field": "id"}], "functions": [{"function": "row_number", "as": "rn"}, {"function": "rank", "as": "rk"}, {"function": "lag", "field": "amount", "as": "prev"}, {"function": "sum", "field": "amount", "as": "s", "frame": 4}]}"#)
        let batches = mixedBatches(rows: 200_000, batchSize: 10_000, seed: 9, groups: 20_000)
        var state = window.makeState()
        for batch in batches { _ = try window.consume(batch, into: &state) }
        let stream = try window.finish(state, space: makeSpillSpace())
        var out: [RecordBatch] = []
        while let batch = try stream.next() { out.append(batch) }
        #expect(out.count >= 4)
        #expect(out.allSatisfy { $0.count <= 65_536 })
        // A chunk's first row starts a partition: its row number is 1.
        #expect(out.allSatisfy { $0.column(named: "rn")?.value(at: 0) == .int(1) })
        let expected = try window.finish(state)
        let streamed = RecordBatch.concatenate(out)
        #expect(streamed.fields == expected.fields)
        #expect(firstDifference(streamed.positions, expected.positions) == nil)
        #expect(firstDifference(streamed.records, expected.records) == nil)
    }

    @Test func onePartitionLargerThanAChunkComesOutWhole() throws {
        let window = try make(Window.self, #"{"orderBy": [{"field": "id", "direction": "desc"}], "functions": [{"function": "row_number", "as": "rn"}]}"#)
        let batches = mixedBatches(rows: 100_000, batchSize: 10_000, seed: 3)
        var state = window.makeState()
        for batch in batches { _ = try window.consume(batch, into: &state) }
        let stream = try window.finish(state, space: makeSpillSpace())
        var sizes: [Int] = []
        while let batch = try stream.next() { sizes.append(batch.count) }
        #expect(sizes == [100_000])
        #expect(state.largestPartition == 100_000)
    }

    @Test func manyRunsStillComeOutInChunksOfAtMostAChunk() throws {
        // 300,000 rows over 2,000 partitions, spilled after every batch: every run holds rows
        // of nearly every partition, so the merge must cut its chunks smaller than what the
        // runs' buffered batches put below the common cut-off.
        let window = try make(Window.self, #"{"partitionBy": ["g"], "orderBy": [{"field": "amount"}, {"field": "id"}], "functions": [{"function": "row_number", "as": "rn"}, {"function": "sum", "field": "amount", "as": "s"}]}"#)
        let batches = mixedBatches(rows: 300_000, batchSize: 15_000, seed: 12, groups: 2_000)
        let expected = try runStateful(window, batches)
        var state = window.makeState()
        let space = makeSpillSpace()
        for batch in batches {
            _ = try window.consume(batch, into: &state)
            try window.spill(&state, to: space)
        }
        #expect(state.runs.count >= 20)
        let stream = try window.finish(state, space: space)
        var out: [RecordBatch] = []
        while let batch = try stream.next() { out.append(batch) }
        #expect(out.count >= 5)
        #expect(out.allSatisfy { $0.count <= 65_536 })
        #expect(out.allSatisfy { $0.column(named: "rn")?.value(at: 0) == .int(1) })
        let streamed = RecordBatch.concatenate(out)
        #expect(firstDifference(streamed.positions, expected.positions) == nil)
        #expect(firstDifference(streamed.records, expected.records) == nil)
    }
}

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
        for every in [1, 7] {
            let space = makeSpillSpace()
            let spilled = try runSpilling(window, batches, spillEvery: every, space: space)
            #expect(spilled.count == expected.count)
            #expect(spilled.fields == expected.fields)
            #expect(firstDifference(spilled.positions, expected.positions) == nil, "spill every \(every) batches")
            #expect(firstDifference(spilled.records, expected.records) == nil)
            #expect(space.bytesWritten > 0)
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
}

import SluiceCore
import Testing

@testable import SluiceOperators

/// A sort that spills sorted runs and merges them gives exactly the in-memory sort: the
/// same rows in the same order (ties in input order), the same values and positions.
@Suite struct SortSpillTests {
    static let configs = [
        #"{"by": ["g"]}"#,
        #"{"by": [{"field": "amount", "direction": "desc"}, {"field": "name", "nulls": "first"}]}"#,
        #"{"by": [{"field": "mixed"}, {"field": "g", "direction": "desc", "nulls": "first"}]}"#,
        #"{"by": ["name", {"field": "when", "direction": "desc"}, "id"]}"#,
        #"{"by": ["missing_everywhere"]}"#,
    ]

    @Test(arguments: configs)
    func spilledSortEqualsInMemorySort(config: String) throws {
        let sort = try make(Sort.self, config)
        let batches = mixedBatches(rows: 6000, batchSize: 250, seed: 11)
        let expected = try runStateful(sort, batches)
        for every in [1, 3, 10] {
            let space = makeSpillSpace()
            let spilled = try runSpilling(sort, batches, spillEvery: every, space: space)
            #expect(spilled.count == expected.count)
            #expect(firstDifference(spilled.positions, expected.positions) == nil, "spill every \(every) batches")
            #expect(firstDifference(spilled.records, expected.records) == nil)
            #expect(space.filesCreated == batches.count / every, "the rows still held at the end are merged from memory")
            #expect(space.bytesWritten > 0)
            #expect(space.openFiles == 0)
        }
    }

    @Test func aSortThatNeverSpillsReturnsItsOneBatch() throws {
        let sort = try make(Sort.self, #"{"by": ["g"]}"#)
        let batches = mixedBatches(rows: 500, batchSize: 100, seed: 2)
        let space = makeSpillSpace()
        let out = try runSpilling(sort, batches, spillEvery: 0, space: space)
        #expect(firstDifference(out.records, try runStateful(sort, batches).records) == nil)
        #expect(space.filesCreated == 0)
    }

    @Test func aSortStreamsItsOutputInSlices() throws {
        let sort = try make(Sort.self, #"{"by": [{"field": "amount", "direction": "desc"}, "id"]}"#)
        let batches = mixedBatches(rows: 150_000, batchSize: 10_000, seed: 8)
        var state = sort.makeState()
        for batch in batches { _ = try sort.consume(batch, into: &state) }
        let stream = try sort.finish(state, space: makeSpillSpace())
        var sizes: [Int] = []
        var out: [RecordBatch] = []
        while let batch = try stream.next() {
            sizes.append(batch.count)
            out.append(batch)
        }
        #expect(sizes == [65_536, 65_536, 18_928])
        let expected = try sort.finish(state)
        let streamed = RecordBatch.concatenate(out)
        #expect(firstDifference(streamed.positions, expected.positions) == nil)
        #expect(firstDifference(streamed.records, expected.records) == nil)
    }

    @Test func estimatedBytesCountTheOrderingAndOneSliceAndDropAfterASpill() throws {
        let sort = try make(Sort.self, #"{"by": ["g"]}"#)
        var state = sort.makeState()
        for batch in mixedBatches(rows: 2000, batchSize: 500, seed: 5) { _ = try sort.consume(batch, into: &state) }
        let bytesPerRow = state.heldBytes / 2000 + 1
        #expect(sort.estimatedBytes(of: state) == state.heldBytes + 2000 * Window.orderingBytesPerRow + 65_536 * bytesPerRow * 2)
        #expect(state.heldBytes > 0)
        try sort.spill(&state, to: makeSpillSpace())
        #expect(sort.estimatedBytes(of: state) == 0)
        #expect(state.rowCount == 0)
    }
}

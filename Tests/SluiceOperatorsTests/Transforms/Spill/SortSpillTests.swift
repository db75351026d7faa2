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
            #expect(space.filesCreated == (batches.count + every - 1) / every, "the rows still held at the end are spilled as the last run")
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

    @Test func estimatedBytesCountTheOutputCopyAndDropAfterASpill() throws {
        let sort = try make(Sort.self, #"{"by": ["g"]}"#)
        var state = sort.makeState()
        for batch in mixedBatches(rows: 2000, batchSize: 500, seed: 5) { _ = try sort.consume(batch, into: &state) }
        #expect(sort.estimatedBytes(of: state) == state.heldBytes * 2)
        #expect(state.heldBytes > 0)
        try sort.spill(&state, to: makeSpillSpace())
        #expect(sort.estimatedBytes(of: state) == 0)
        #expect(state.rowCount == 0)
    }
}

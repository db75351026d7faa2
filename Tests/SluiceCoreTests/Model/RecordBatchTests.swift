import SluiceCore
import Testing

@Suite struct RecordBatchTests {
    @Test func recordsRoundTripWithAbsentAndNullKept() {
        let records = [ValueObject([("a", 1), ("b", nil)]), ValueObject([("c", "x"), ("a", 2.5)])]
        let batch = RecordBatch(records: records)
        #expect(batch.fields == ["a", "b", "c"])
        #expect(batch.positions == [1, 2])
        #expect(batch.records == [ValueObject([("a", 1), ("b", nil)]), ValueObject([("a", 2.5), ("c", "x")])])
        let picked = batch.selecting([1])
        #expect(picked.count == 1)
        #expect(picked.positions == [2])
        #expect(picked.record(at: 0) == ValueObject([("a", 2.5), ("c", "x")]))
        let joined = RecordBatch.concatenate([batch, RecordBatch(records: [ValueObject([("d", true)])], positions: [9])])
        #expect(joined.fields == ["a", "b", "c", "d"])
        #expect(joined.positions == [1, 2, 9])
        #expect(joined.record(at: 2) == ValueObject([("d", true)]))
    }

    @Test func valuesCompareAcrossIntAndDouble() {
        #expect(Value.int(1) == .double(1.0))
        #expect(Set<Value>([.int(1), .double(1.0), .string("1")]).count == 2)
        #expect(Value.string("150").compare(to: .int(100)) == 1)
        #expect(Value.string("abc").compare(to: .int(100)) == nil)
        #expect(Value.null.compare(to: .null) == nil)
    }
}

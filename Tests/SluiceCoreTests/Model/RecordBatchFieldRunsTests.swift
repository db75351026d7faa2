import SluiceCore
import Testing

/// Runs of rows with the same fields, as the database targets write them.
@Suite struct RecordBatchFieldRunsTests {
    func o(_ pairs: [(String, Value)]) -> ValueObject { ValueObject(pairs) }

    @Test func aBatchWithoutAbsentFieldsIsOneRunOfEveryField() {
        let batch = RecordBatch(records: [o([("a", 1), ("b", .null)]), o([("a", 2), ("b", "x")])])
        #expect(batch.fieldRuns == [RecordBatch.FieldRun(rows: 0..<2, fields: [0, 1])])
        #expect(batch.usedFieldIndexes == [0, 1])
    }

    @Test func rowsLackingFieldsSplitTheBatchWhereTheirFieldsChange() {
        // Fields in first-seen order: a, b, c. Null counts as having the field.
        let batch = RecordBatch(records: [
            o([("a", 1), ("b", 1)]), o([("a", 2), ("b", .null)]), o([("a", 3)]), o([("a", 4)]), o([("a", 5), ("c", 1)]), o([("a", 6), ("b", 2)]), o([("b", 3)]),
        ])
        #expect(batch.fields == ["a", "b", "c"])
        #expect(batch.fieldRuns == [
            .init(rows: 0..<2, fields: [0, 1]), .init(rows: 2..<4, fields: [0]), .init(rows: 4..<5, fields: [0, 2]),
            .init(rows: 5..<6, fields: [0, 1]), .init(rows: 6..<7, fields: [1]),
        ])
        #expect(batch.usedFieldIndexes == [0, 1, 2])
        #expect(RecordBatch(records: []).fieldRuns == [])
    }

    @Test func aFieldNoRowHasIsNotUsed() {
        let batch = RecordBatch(records: [o([("a", 1), ("b", 2)]), o([("a", 3)])]).selecting([1])
        #expect(batch.usedFieldIndexes.map { batch.fields[$0] } == ["a"])
        #expect(batch.fieldRuns.map { $0.fields.map { batch.fields[$0] } } == [["a"]])
    }
}

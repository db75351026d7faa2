import SluiceCore
import SluiceOperators
import Testing

/// What FuzzExpression found (`Fuzz/Regressions/expression`), as exact values: a record's
/// result must not depend on the records batched with it, and a failed row holds null.
@Suite("Expression regressions found by fuzzing")
struct ExpressionRegressionTests {
    let now = Timestamp(microseconds: 0)

    func values(_ source: String, _ records: [Value]) throws -> (values: [Value], errors: [String]) {
        let expression = try Expression(parsing: source)
        let result = expression.evaluate(RecordBatch(records: records.compactMap(\.objectValue)), now: now)
        return ((0..<records.count).map { result.column.value(at: $0) }, result.rowErrors.map { "\($0.row): \($0.reason)" })
    }

    @Test("a dotted path reads the nested value in rows without the flat key, whatever their batch")
    func dottedPathPerRow() throws {
        let records: [Value] = [["address.city": "flat"], ["address": ["city": "London"]], ["address": nil], [:]]
        let batch = try values("address.city", records)
        #expect(batch.values == ["flat", "London", nil, nil])
        for (index, record) in records.enumerated() {
            #expect(try values("address.city", [record]).values == [batch.values[index]])
        }
    }

    @Test("a row that fails inside a function that skips nulls holds null")
    func failedRowIsNull() throws {
        let result = try values("concat(amount - tags[0], '/')", [["amount": 1, "tags": ["x"]], ["amount": 1, "tags": [2]]])
        #expect(result.values == [nil, "-1/"])
        #expect(result.errors == ["0: cannot subtract 'x': not a number"])
    }

    @Test("a condition that fails on a row does not select it")
    func failedConditionIsNotTrue() throws {
        let expression = try Expression(parsing: "min(1 < 10, 0 < note)", requireBoolean: true)
        let batch = RecordBatch(records: [["note": "x"], ["note": 5]].compactMap { (record: Value) in record.objectValue })
        let (mask, errors) = expression.evaluateMask(batch, now: now)
        #expect(mask == [false, true])
        #expect(errors.map(\.row) == [0])
    }
}

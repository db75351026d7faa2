import SluiceCore
import SluiceOperators

/// The properties checked on one input of the expression parser and evaluator.
enum ExpressionFuzzing {
    /// The value of `now()` in every evaluation: 2024-03-15T12:00:00Z.
    static let now = Timestamp(microseconds: 1_710_504_000_000_000)

    /// The records every parsed expression is evaluated over: the reference's example
    /// record, and rows with empty, missing, extreme, unicode and wrongly typed values.
    static let records: [ValueObject] = ([
        [
            "name": "  Ada Lovelace ", "email": "ada@example.com", "amount": -12.345, "qty": 3, "note": nil,
            "created": .timestamp(Timestamp(microseconds: 1_710_498_600_000_000)), "tags": ["math", "poet"],
            "address": ["city": "London"], "status": "active", "value": "USER_1",
        ],
        [
            "name": "", "email": nil, "amount": 0, "qty": 0, "created": "not a date", "tags": [], "address": nil,
            "status": "inactive", "value": 0, "order total": 12.5, "address.city": "flat",
        ],
        [
            "name": "Zoë 👍🏽 北京", "amount": 1e308, "qty": .int(Int.max), "note": "x", "created": "2024-02-29T23:59:59Z",
            "tags": [1, nil, ["deep": true]], "address": ["city": 5], "value": -0.0, "flag": true,
        ],
        [
            "qty": .int(Int.min), "amount": -1e-300, "name": "o'brien\n\"quoted\"\t", "flag": false,
            "created": .timestamp(Timestamp(microseconds: 0)), "value": "42", "email": "a@b@c",
        ],
        [:],
    ] as [Value]).compactMap(\.objectValue)

    static let batch = RecordBatch(records: records)

    /// Parses the text of `bytes` (invalid UTF-8 replaced), with and without the boolean
    /// requirement. When it parses: the result has one value per row; row errors name
    /// existing rows in order, one each, and those rows are null; the whole-batch result
    /// equals evaluating each row alone (typed column paths against per-row paths); a
    /// condition's mask agrees with its values.
    static func run(_ bytes: [UInt8]) -> FuzzReport {
        let source = String(decoding: bytes, as: UTF8.self)
        var report = FuzzReport()
        let expression: Expression
        do {
            expression = try Expression(parsing: source)
        } catch {
            report.outcome = "rejected: \(error.message) at \(error.position)"
            report.check(
                (1...(source.count + 1)).contains(error.position),
                "error position \(error.position) outside 1...\(source.count + 1)")
            _ = error.description
            report.check(
                (try? Expression(parsing: source, requireBoolean: true)) == nil,
                "the expression is refused, but accepted as a condition")
            return report
        }
        _ = expression.referencedFields
        let result = expression.evaluate(batch, now: now)
        let values = (0..<batch.count).map { result.column.value(at: $0) }
        report.outcome = "parsed; values \(values.map { JSONText.string($0) }), errors \(result.rowErrors.map(\.reason))"
        report.check(result.column.count == batch.count, "\(result.column.count) values for \(batch.count) rows")
        let errorRows = result.rowErrors.map(\.row)
        report.check(zip(errorRows, errorRows.dropFirst()).allSatisfy { $0 < $1 }, "row errors out of order or repeated: \(errorRows)")
        report.check(errorRows.allSatisfy { (0..<batch.count).contains($0) }, "row errors name rows that do not exist: \(errorRows)")
        for row in errorRows where (0..<batch.count).contains(row) {
            report.check(values[row].isNull, "row \(row) failed but holds \(JSONText.string(values[row]))")
        }
        for row in 0..<batch.count {
            let alone = expression.evaluate(RecordBatch(records: [batch.record(at: row)]), now: now)
            let value = alone.column.value(at: 0)
            report.check(
                sameResult(value, values[row]),
                "row \(row) alone gives \(JSONText.string(value)), in the batch \(JSONText.string(values[row]))")
            let aloneReason = alone.rowErrors.first?.reason
            let batchReason = result.rowErrors.first { $0.row == row }?.reason
            report.check(aloneReason == batchReason, "row \(row) alone fails with \(aloneReason ?? "nothing"), in the batch with \(batchReason ?? "nothing")")
        }
        checkCondition(expression, source, values, into: &report)
        return report
    }

    /// As a condition: accepted with the boolean requirement exactly when some row could be
    /// true or false (checked one way only: a value that is a boolean proves it may be one),
    /// and the mask is true exactly on the rows whose value is `true`.
    static func checkCondition(_ expression: Expression, _ source: String, _ values: [Value], into report: inout FuzzReport) {
        let condition = try? Expression(parsing: source, requireBoolean: true)
        if values.contains(where: { if case .bool = $0 { return true } else { return false } }) {
            report.check(condition != nil, "the expression gives booleans but is refused as a condition")
        }
        let (mask, rowErrors) = expression.evaluateMask(batch, now: now)
        report.check(mask.count == batch.count, "the mask has \(mask.count) entries for \(batch.count) rows")
        for row in 0..<min(mask.count, values.count) {
            report.check(mask[row] == (values[row] == .bool(true)), "row \(row): mask \(mask[row]) but value \(JSONText.string(values[row]))")
        }
        let errorRows = rowErrors.map(\.row)
        report.check(zip(errorRows, errorRows.dropFirst()).allSatisfy { $0 < $1 }, "mask row errors out of order or repeated: \(errorRows)")
    }

    /// Equal as values (`1 == 1.0`, as the language compares), with NaN equal to NaN.
    static func sameResult(_ a: Value, _ b: Value) -> Bool {
        if case .double(let x) = a, case .double(let y) = b, x.isNaN, y.isNaN { return true }
        return a == b
    }
}

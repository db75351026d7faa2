import SluiceCore
import Testing

@testable import SluiceOperators

/// A fixed `now()` for tests: 2024-03-05T07:08:09.123456Z.
let testNow = Timestamp(microseconds: 1_709_622_489_123_456)

/// Evaluates `source` over the rows of `rowsJSON` (one empty row by default).
func evaluate(_ source: String, _ rowsJSON: String = "[{}]") throws -> (values: [Value], errors: [ExpressionRowError]) {
    let expression = try Expression(parsing: source)
    let input = try batch(rowsJSON)
    let result = expression.evaluate(input, now: testNow)
    return ((0..<input.count).map { result.column.value(at: $0) }, result.rowErrors)
}

/// The single value of `source` over one row (`{}` unless given); fails the test on a row error.
func value(_ source: String, _ rowJSON: String = "{}", sourceLocation: SourceLocation = #_sourceLocation) throws -> Value {
    let (values, errors) = try evaluate(source, "[\(rowJSON)]")
    #expect(errors.isEmpty, "\(source): \(errors)", sourceLocation: sourceLocation)
    return values[0]
}

/// The row error reason of `source` over one row, or nil.
func failure(_ source: String, _ rowJSON: String = "{}") throws -> String? {
    let (values, errors) = try evaluate(source, "[\(rowJSON)]")
    #expect(values[0] == .null)
    return errors.first?.reason
}

/// The parse error of `source`, or nil when it parses.
func parseError(_ source: String) -> ExpressionError? {
    do {
        _ = try Expression(parsing: source)
        return nil
    } catch {
        return error
    }
}

/// A timestamp from ISO text (test input is always valid).
func ts(_ text: String) -> Value {
    Timestamp(iso8601: text).map { .timestamp($0) } ?? .null
}

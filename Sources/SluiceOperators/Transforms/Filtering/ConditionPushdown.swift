import SluiceCore

/// The part of a filter's condition a source can use to skip input (see
/// ``FilterableSource``): the tests every kept record must pass.
///
/// Only tests joined by `and` (or standing alone) qualify, and only `eq`, `gt`, `gte`, `lt`,
/// `lte`, `between`, `isNull` and `notNull` with a number, a non-numeric text, a boolean or
/// a date: whatever else the condition holds is left out, which only means reading more. A
/// text value that reads as a number is left out too, since the filter compares it as a number
/// with numeric cells and as text with text cells.
public enum ConditionPushdown {
    /// The conditions a record kept by `spec` certainly meets.
    public static func conditions(_ spec: ConditionSpec) -> [FieldCondition] {
        switch spec {
        case .and(let parts): return parts.flatMap(conditions)
        case .test(let field, let op, let value): return test(field, op, value)
        case .or, .not, .expression: return []
        }
    }

    private static func test(_ field: String, _ op: String, _ value: Value) -> [FieldCondition] {
        switch FilterOperator(rawValue: op) {
        case .isNull?: return [FieldCondition(field: field, comparison: .isNull)]
        case .notNull?: return [FieldCondition(field: field, comparison: .isNotNull)]
        case .eq?: return comparable(value).map { [FieldCondition(field: field, comparison: .equal, value: $0)] } ?? []
        case .gt?: return comparable(value).map { [FieldCondition(field: field, comparison: .greater, value: $0)] } ?? []
        case .gte?: return comparable(value).map { [FieldCondition(field: field, comparison: .greaterOrEqual, value: $0)] } ?? []
        case .lt?: return comparable(value).map { [FieldCondition(field: field, comparison: .less, value: $0)] } ?? []
        case .lte?: return comparable(value).map { [FieldCondition(field: field, comparison: .lessOrEqual, value: $0)] } ?? []
        case .between?:
            guard case .array(let bounds) = value, bounds.count == 2, let low = comparable(bounds[0]), let high = comparable(bounds[1]) else { return [] }
            return [
                FieldCondition(field: field, comparison: .greaterOrEqual, value: low),
                FieldCondition(field: field, comparison: .lessOrEqual, value: high),
            ]
        default: return []
        }
    }

    /// `value` when a reader can compare it with statistics as the filter would.
    private static func comparable(_ value: Value) -> Value? {
        switch value {
        case .int, .bool, .timestamp: return value
        case .double(let double):
            if double.isNaN { return Optional.none }
            return value
        case .string(let text):
            // (`Optional.none`: a bare `nil` here would be the null Value.)
            if Double(text) != nil || Timestamp(iso8601: text) != nil { return Optional.none }
            return value
        case .null, .array, .object: return Optional.none
        }
    }
}

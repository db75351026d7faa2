import SluiceCore

/// Checks one test of a condition (its operator and the value that operator needs) and
/// builds its ``FilterPredicate``.
enum ConditionCompiler {
    /// The predicate of the test at `path`; throws at `path.operator` or `path.value`.
    static func predicate(_ name: String, _ value: Value, negated: Bool, path: String) throws(SpecError) -> FilterPredicate {
        guard let op = FilterOperator(rawValue: name) else {
            throw SpecError(
                path: SpecPath.join(path, "operator"), "unknown operator '\(name)'; expected one of \(FilterOperator.expectedList)")
        }
        let valuePath = SpecPath.join(path, "value")
        var pattern: CompiledPattern?
        switch op {
        case .in, .notIn:
            guard case .array = value else {
                throw SpecError(path: valuePath, "\(op.rawValue) expects an array of values, got \(value.kindName)")
            }
        case .gt, .gte, .lt, .lte:
            guard isOrderable(value) else {
                throw SpecError(path: valuePath, "\(op.rawValue) expects a number, string or boolean to compare with, got \(value.kindName)")
            }
        case .between:
            guard case .array(let bounds) = value, bounds.count == 2, bounds.allSatisfy(isOrderable) else {
                throw SpecError(path: valuePath, "between expects [low, high], two numbers, strings or booleans, got \(describe(value))")
            }
        case .isNull, .notNull:
            guard value.isNull else {
                throw SpecError(path: valuePath, "\(op.rawValue) takes no value, got \(value.kindName)")
            }
        case .startsWith, .endsWith:
            guard case .string = value else {
                throw SpecError(path: valuePath, "\(op.rawValue) expects a string, got \(value.kindName)")
            }
        case .regex:
            guard case .string(let source) = value else {
                throw SpecError(path: valuePath, "regex expects a regular expression as a string, got \(value.kindName)")
            }
            do {
                pattern = try CompiledPattern(source)
            } catch {
                throw SpecError(path: valuePath, "invalid regular expression '\(source)': \(error)")
            }
        case .eq, .ne, .contains:
            break
        }
        return FilterPredicate(op: op, value: value, negated: negated, pattern: pattern)
    }

    /// Whether an ordering can compare cells with `value`.
    private static func isOrderable(_ value: Value) -> Bool {
        switch value {
        case .null, .array, .object: return false
        case .bool, .int, .double, .string, .timestamp: return true
        }
    }

    /// The value's kind, or an array's length when that is what is wrong.
    private static func describe(_ value: Value) -> String {
        if case .array(let items) = value, items.count != 2 { return "an array of \(items.count)" }
        if case .array = value { return "an array holding null, an array or an object" }
        return value.kindName
    }
}

import SluiceCore

/// How a non-null value fits a declared field type.
enum Coercion {
    /// The value is fine as it is.
    case keep
    /// The value is fine once rewritten (non-strict mode's safe coercions).
    case replace(Value)
    /// The value does not fit the type.
    case mismatch

    /// How `value` fits `type`; with `strict`, a value that needs rewriting is a mismatch.
    static func of(_ value: Value, to type: FieldType, strict: Bool) -> Coercion {
        switch (type, value) {
        case (.number, .int), (.number, .double), (.string, .string), (.boolean, .bool),
            (.array, .array), (.object, .object),
            (.date, .timestamp), (.date, .int), (.date, .double):
            return .keep
        case (.date, .string(let s)):
            // Dates stay as written; only whether they parse matters.
            return Timestamp(iso8601: s) == nil ? .mismatch : .keep
        case (.number, .string(let s)):
            guard !strict, let number = NumberText.parse(s) else { return .mismatch }
            return .replace(number.value)
        case (.boolean, .string(let s)):
            guard !strict else { return .mismatch }
            switch s.lowercased() {
            case "true": return .replace(.bool(true))
            case "false": return .replace(.bool(false))
            default: return .mismatch
            }
        case (.string, .int), (.string, .double), (.string, .bool), (.string, .timestamp):
            return strict ? .mismatch : .replace(.string(value.plainText))
        default:
            return .mismatch
        }
    }

    /// The reason for a mismatch: `Field age: expected number, got string`.
    static func mismatchReason(field: String, type: FieldType, got kind: String) -> String {
        "Field \(field): expected \(type.rawValue), got \(kind)"
    }
}

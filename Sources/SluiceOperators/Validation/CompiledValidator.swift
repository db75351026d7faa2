import SluiceCore

/// One `validators` entry of a schema field, checked and compiled once when the schema is built.
struct CompiledValidator: Sendable {
    /// What the validator checks.
    enum Check: Sendable {
        /// The number, string length or array length must be at least the bound.
        case min(Double, bound: Value)
        /// The number, string length or array length must be at most the bound.
        case max(Double, bound: Value)
        /// A string must contain a match of the expression.
        case pattern(CompiledPattern)
        /// The value must equal one of the allowed values.
        case oneOf([Value], utf8: [[UInt8]])
    }

    /// The validator kinds a schema may name, in the order error messages list them.
    static let kinds = ["min", "max", "pattern", "enum", "custom"]

    let check: Check
    /// The user's message, which replaces the default reason.
    let message: String?

    /// Compiles `spec`; errors carry paths relative to the validator (`type`, `value`).
    init(_ spec: ValidatorSpec) throws(SpecError) {
        message = spec.message
        switch spec.type {
        case "min", "max":
            guard let bound = spec.value.number, bound.isFinite else {
                throw SpecError(path: "value", "\(spec.type) expects a number")
            }
            check = spec.type == "min" ? .min(bound, bound: spec.value) : .max(bound, bound: spec.value)
        case "pattern":
            guard case .string(let source) = spec.value else {
                throw SpecError(path: "value", "pattern expects a regular expression string, got \(spec.value.kindName)")
            }
            do {
                check = .pattern(try CompiledPattern(source))
            } catch {
                throw SpecError(path: "value", "invalid regular expression '\(source)': \(error)")
            }
        case "enum":
            guard case .array(let allowed) = spec.value else {
                throw SpecError(path: "value", "enum expects an array of allowed values, got \(spec.value.kindName)")
            }
            let utf8 = allowed.compactMap { $0.stringValue.map { Array($0.utf8) } }
            check = .oneOf(allowed, utf8: utf8)
        default:
            throw SpecError(
                path: "type",
                "unknown validator '\(spec.type)'; expected one of \(CompiledValidator.kinds.joined(separator: ", "))")
        }
    }

    /// The reason `value` (non-null, already coerced) fails, or `nil` when it passes or the
    /// check does not apply to its kind (a pattern on a number, a bound on a boolean).
    func failure(_ value: Value, field: String) -> String? {
        switch check {
        case .min, .max:
            switch value {
            case .int(let i): return numberFailure(Double(i), text: String(i), field: field)
            case .double(let d): return numberFailure(d, text: NumberText.text(d), field: field)
            case .string(let s): return lengthFailure(s.count, field: field)
            case .array(let a): return lengthFailure(a.count, field: field)
            default: return nil
            }
        case .pattern:
            guard case .string(let s) = value else { return nil }
            return patternFailure(s, field: field)
        case .oneOf(let allowed, _):
            // Strings compare by bytes here too, as the text fast path does.
            return allowed.contains { LooseComparison.same($0, value) } ? nil : enumFailure(value, field: field)
        }
    }

    /// The reason a number fails a bound, or `nil`; `text` is how the number is shown.
    @inline(__always)
    func numberFailure(_ number: Double, text: @autoclosure () -> String, field: String) -> String? {
        switch check {
        case .min(let bound, let shown):
            guard number < bound else { return nil }
            return message ?? "Field \(field): value \(text()) is less than minimum \(shown.plainText)"
        case .max(let bound, let shown):
            guard number > bound else { return nil }
            return message ?? "Field \(field): value \(text()) is greater than maximum \(shown.plainText)"
        case .pattern, .oneOf:
            return nil
        }
    }

    /// The reason a string or array length fails a bound, or `nil`.
    func lengthFailure(_ length: Int, field: String) -> String? {
        switch check {
        case .min(let bound, let shown):
            guard Double(length) < bound else { return nil }
            return message ?? "Field \(field): length \(length) is less than minimum \(shown.plainText)"
        case .max(let bound, let shown):
            guard Double(length) > bound else { return nil }
            return message ?? "Field \(field): length \(length) is greater than maximum \(shown.plainText)"
        case .pattern, .oneOf:
            return nil
        }
    }

    /// The reason a string does not match the pattern, or `nil` (also `nil` for other checks).
    func patternFailure(_ string: String, field: String) -> String? {
        guard case .pattern(let pattern) = check, !pattern.matches(string) else { return nil }
        return message ?? "Field \(field): value '\(string)' does not match pattern \(pattern.source)"
    }

    /// The default or custom reason for a value outside the enum.
    func enumFailure(_ value: Value, field: String) -> String {
        guard case .oneOf(let allowed, _) = check else { return message ?? "" }
        return message ?? "Field \(field): value \(value.quotedText) is not one of \(allowed.map(\.plainText).joined(separator: ", "))"
    }
}

import SluiceCore

/// A condition as a spec writes it, before its operators and values are checked: a test of
/// one field, or `and` / `or` / `not` over other conditions, nested to any depth.
///
/// ```json
/// {"field": "status", "operator": "eq", "value": "active"}
/// {"and": [{"field": "amount", "operator": "gt", "value": 100},
///          {"not": {"field": "region", "operator": "in", "value": ["EU", "US"]}}]}
/// ```
///
/// ``Condition`` compiles it. Another form of condition (an expression, say) is one more case
/// here, one more branch in ``init(parsing:path:)`` and one more leaf kind in ``ConditionNode``.
public indirect enum ConditionSpec: Decodable, Sendable, Equatable {
    /// `{"field", "operator", "value"}`; a missing `value` is null.
    case test(field: String, `operator`: String, value: Value)
    /// True when every condition is true.
    case and([ConditionSpec])
    /// True when any condition is true.
    case or([ConditionSpec])
    /// True when the condition is false.
    case not(ConditionSpec)
    /// `{"expr": "amount > 100 && status == 'active'"}`: a boolean expression.
    case expression(String)

    /// The keys that make an object a combination rather than a test.
    static let combinators = ["and", "or", "not"]
    /// The keys of a test.
    static let testKeys = ["field", "operator", "value"]

    /// Decodes a condition; errors carry the path of the offending key or element.
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Value.self)
        self = try Self(parsing: value, path: SpecPath.from(decoder.codingPath))
    }

    /// Reads a condition from a parsed config value found at `path`.
    public init(parsing value: Value, path: String) throws(SpecError) {
        guard case .object(let object) = value else {
            throw SpecError(
                path: path,
                #"expected a condition: {"field": …, "operator": …, "value": …}, {"and": [...]}, {"or": [...]} or {"not": {...}}; found \#(value.kindName)"#)
        }
        if let source = object["expr"] {
            for other in object.keys where other != "expr" {
                throw SpecError(path: SpecPath.join(path, other), "unexpected key '\(other)' beside 'expr'")
            }
            guard case .string(let text) = source else {
                throw SpecError(path: SpecPath.join(path, "expr"), "expected an expression string, found \(source.kindName)")
            }
            self = .expression(text)
            return
        }
        if let combinator = object.keys.first(where: { Self.combinators.contains($0) }) {
            self = try Self.combination(combinator, object, path)
            return
        }
        for key in object.keys where !Self.testKeys.contains(key) {
            throw SpecError(path: SpecPath.join(path, key), "unknown key '\(key)'; expected field, operator and value, or one of and, or, not, expr")
        }
        func text(_ key: String) throws(SpecError) -> String {
            switch object[key] {
            case .string(let s)?: return s
            case nil: throw SpecError(path: SpecPath.join(path, key), "required field is missing")
            case let other?: throw SpecError(path: SpecPath.join(path, key), "expected a string, found \(other.kindName)")
            }
        }
        self = .test(field: try text("field"), operator: try text("operator"), value: object["value"] ?? .null)
    }

    /// `{"and": [...]}`, `{"or": [...]}` or `{"not": {...}}`, alone in its object.
    private static func combination(_ key: String, _ object: ValueObject, _ path: String) throws(SpecError) -> ConditionSpec {
        for other in object.keys where other != key {
            throw SpecError(path: SpecPath.join(path, other), "unexpected key '\(other)' beside '\(key)'; write {\"\(key)\": …} as an object of its own")
        }
        let keyPath = SpecPath.join(path, key)
        let content = object[key] ?? .null
        if key == "not" { return .not(try ConditionSpec(parsing: content, path: keyPath)) }
        guard case .array(let items) = content else {
            throw SpecError(path: keyPath, "expected an array of conditions, found \(content.kindName)")
        }
        guard !items.isEmpty else { throw SpecError(path: keyPath, "expected at least one condition") }
        var children: [ConditionSpec] = []
        for (i, item) in items.enumerated() {
            children.append(try ConditionSpec(parsing: item, path: SpecPath.join(keyPath, "[\(i)]")))
        }
        return key == "and" ? .and(children) : .or(children)
    }
}

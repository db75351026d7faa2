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

    /// The deepest nesting of `and`/`or`/`not`: the whole condition is level 1, and each
    /// `and`/`or` part and each `not` one level deeper. Reading, compiling and evaluating a
    /// condition recurse once per level (JSON's own limit of 512 levels would not keep that
    /// within a small stack), and an `{"expr": …}` at the bottom adds its own nesting (see
    /// ``ExpressionLimits/maximumDepth``). In a debug build a level takes about 1.4 KiB, so 64
    /// levels with the deepest expression below fit a 512 KiB stack with room to spare; no
    /// hand-written condition nests that deep.
    public static let maximumDepth = 64

    /// Decodes a condition; errors carry the path of the offending key or element.
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Value.self)
        self = try Self(parsing: value, path: SpecPath.from(decoder.codingPath))
    }

    /// Reads a condition from a parsed config value found at `path`.
    public init(parsing value: Value, path: String) throws(SpecError) {
        try self.init(parsing: value, path: path, depth: 1)
    }

    // Reading recurses once per level of nesting, so the recursive pair (the initializer
    // below and its loop over a combination's parts) keeps its frame small: checking one
    // level and building its messages is done in `level`, which returns before the recursion.

    /// Reads a condition that is `depth` levels deep (1 for the whole condition).
    private init(parsing value: Value, path: String, depth: Int) throws(SpecError) {
        switch try Self.level(value, path: path, depth: depth) {
        case .whole(let condition):
            self = condition
        case .not(let content, let path):
            self = .not(try ConditionSpec(parsing: content, path: path, depth: depth + 1))
        case .parts(let isAnd, let items, let path):
            var children: [ConditionSpec] = []
            for (i, item) in items.enumerated() {
                children.append(try ConditionSpec(parsing: item, path: Self.elementPath(path, i), depth: depth + 1))
            }
            self = isAnd ? .and(children) : .or(children)
        }
    }

    /// One level of a condition, checked.
    private enum Level {
        /// A test or an expression, read whole.
        case whole(ConditionSpec)
        /// `not`'s condition, found at `path`.
        case not(Value, path: String)
        /// The conditions of `and` or `or`, in the array at `path`.
        case parts(isAnd: Bool, [Value], path: String)
    }

    /// Checks the object at `path`, `depth` levels deep, and says what it is.
    private static func level(_ value: Value, path: String, depth: Int) throws(SpecError) -> Level {
        guard depth <= maximumDepth else {
            throw SpecError(path: path, "conditions nest deeper than \(maximumDepth) levels")
        }
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
            return .whole(.expression(text))
        }
        if let combinator = object.keys.first(where: { combinators.contains($0) }) {
            return try combination(combinator, object, path)
        }
        for key in object.keys where !testKeys.contains(key) {
            throw SpecError(path: SpecPath.join(path, key), "unknown key '\(key)'; expected field, operator and value, or one of and, or, not, expr")
        }
        func text(_ key: String) throws(SpecError) -> String {
            switch object[key] {
            case .string(let s)?: return s
            case nil: throw SpecError(path: SpecPath.join(path, key), "required field is missing")
            case let other?: throw SpecError(path: SpecPath.join(path, key), "expected a string, found \(other.kindName)")
            }
        }
        return .whole(.test(field: try text("field"), operator: try text("operator"), value: object["value"] ?? .null))
    }

    /// `{"and": [...]}`, `{"or": [...]}` or `{"not": {...}}`, alone in its object.
    private static func combination(_ key: String, _ object: ValueObject, _ path: String) throws(SpecError) -> Level {
        for other in object.keys where other != key {
            throw SpecError(path: SpecPath.join(path, other), "unexpected key '\(other)' beside '\(key)'; write {\"\(key)\": …} as an object of its own")
        }
        let keyPath = SpecPath.join(path, key)
        let content = object[key] ?? .null
        if key == "not" { return .not(content, path: keyPath) }
        guard case .array(let items) = content else {
            throw SpecError(path: keyPath, "expected an array of conditions, found \(content.kindName)")
        }
        guard !items.isEmpty else { throw SpecError(path: keyPath, "expected at least one condition") }
        return .parts(isAnd: key == "and", items, path: keyPath)
    }

    /// The path of element `i` of the array at `path` (`and[2]`).
    static func elementPath(_ path: String, _ i: Int) -> String { SpecPath.join(path, "[\(i)]") }
}

import SluiceCore

/// How one field's nulls are filled in a ``FillNulls`` step.
public struct FillRule: Sendable, Equatable {
    /// Where a fill value comes from.
    public enum Strategy: String, Sendable, CaseIterable {
        /// A fixed `value`.
        case constant
        /// The mean of the field's numbers.
        case mean
        /// The median of the field's numbers (the mean of the two middle ones for an even count).
        case median
        /// The field's most frequent value; ties go to the value seen first.
        case mode
        /// The last value seen before, in input order.
        case forward

        /// Whether the fill value needs every value of the field first.
        var needsAllValues: Bool { self == .mean || self == .median || self == .mode }
    }

    /// The field filled.
    public var field: String
    /// Where the fill value comes from.
    public var strategy: Strategy
    /// The fill value of `constant`.
    public var value: Value
}

/// The `fields` object of a fillNulls config, in the order written:
/// `{"age": {"strategy": "mean"}, "region": {"value": "unknown"}}`.
public struct FillRuleList: Decodable, Sendable, Equatable {
    /// One entry as written: a `value`, a `strategy`, or both with `strategy: "constant"`.
    public struct Entry: Decodable, Sendable, Equatable {
        public var value: Value?
        public var strategy: String?

        enum CodingKeys: String, CodingKey { case value, strategy }

        /// Decodes an entry; an explicit `"value": null` counts as given.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // Not a ternary: `Value` is nil-literal expressible, so `nil` there would be `.null`.
            if c.contains(.value) {
                value = try c.decode(Value.self, forKey: .value)
            } else {
                value = Optional<Value>.none
            }
            strategy = try c.decodeIfPresent(String.self, forKey: .strategy)
        }
    }

    /// Field → entry, in the order written.
    public var entries: [(field: String, entry: Entry)]

    /// Decodes the object keeping its key order.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        entries = try c.allKeys.map { key in (key.stringValue, try c.decode(Entry.self, forKey: key)) }
    }

    public static func == (lhs: FillRuleList, rhs: FillRuleList) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.field == $1.field && $0.entry == $1.entry }
    }

    /// The checked rules; errors point at `fields.<name>…`.
    func rules() throws(SpecError) -> [FillRule] {
        guard !entries.isEmpty else {
            throw SpecError(path: "fields", "expected at least one field, as {\"age\": {\"strategy\": \"mean\"}}")
        }
        return try entries.map { field, entry throws(SpecError) in
            let path = "fields.\(field)"
            let strategies = FillRule.Strategy.allCases.map(\.rawValue).joined(separator: ", ")
            guard let name = entry.strategy else {
                guard let value = entry.value else {
                    throw SpecError(path: path, "expected a value or a strategy (\(strategies))")
                }
                return try Self.constant(field, value, path: path)
            }
            guard let strategy = FillRule.Strategy(rawValue: name) else {
                throw SpecError(path: "\(path).strategy", "expected one of \(strategies), found '\(name)'")
            }
            if strategy == .constant {
                guard let value = entry.value else { throw SpecError(path: "\(path).value", "the constant strategy needs a value") }
                return try Self.constant(field, value, path: path)
            }
            guard entry.value == nil else {
                throw SpecError(path: "\(path).value", "a value is only used by the constant strategy, not \(name)")
            }
            return FillRule(field: field, strategy: strategy, value: .null)
        }
    }

    private static func constant(_ field: String, _ value: Value, path: String) throws(SpecError) -> FillRule {
        guard !value.isNull else { throw SpecError(path: "\(path).value", "filling nulls with null changes nothing") }
        return FillRule(field: field, strategy: .constant, value: value)
    }
}

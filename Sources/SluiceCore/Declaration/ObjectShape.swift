/// The declared keys of an object, in the order the docs list them, and the rules that tie
/// them together (`table` or `query`, not both).
public struct ObjectShape: Sendable {
    /// The keys the object may hold.
    public var fields: [FieldShape]
    /// Constraints over several keys.
    public var rules: [ObjectRule]

    /// Whether keys beyond the declared ones pass: set only by the validator while a variant's
    /// tag is unknown, so that only the tag is reported.
    public var isOpen: Bool

    public init(_ fields: [FieldShape], rules: [ObjectRule] = []) {
        self.fields = fields
        self.rules = rules
        self.isOpen = false
    }

    /// The declared key names, in order.
    public var names: [String] { fields.map(\.name) }

    /// The field declared as `name`.
    public func field(_ name: String) -> FieldShape? { fields.first { $0.name == name } }
}

/// One declared key of an object.
public struct FieldShape: Sendable {
    /// The key.
    public var name: String
    /// What its value must be.
    public var shape: Shape
    /// Whether the key must be present (and not null).
    public var isRequired: Bool
    /// The value used when the key is absent, for the docs and the JSON Schema.
    public var defaultValue: Value?
    /// One line on what the key means.
    public var summary: String

    public init(name: String, shape: Shape, isRequired: Bool, defaultValue: Value? = nil, summary: String) {
        self.name = name
        self.shape = shape
        self.isRequired = isRequired
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// A key that must be given.
    public static func required(_ name: String, _ shape: Shape, _ summary: String) -> FieldShape {
        FieldShape(name: name, shape: shape, isRequired: true, summary: summary)
    }

    /// A key that may be left out; `defaultValue` is what applies then, when there is one.
    public static func optional(_ name: String, _ shape: Shape, default defaultValue: Value? = nil, _ summary: String) -> FieldShape {
        FieldShape(name: name, shape: shape, isRequired: false, defaultValue: defaultValue, summary: summary)
    }
}

/// A constraint over several keys of one object.
public enum ObjectRule: Sendable, Equatable {
    /// Exactly one of these keys must be present.
    case exactlyOne([String])
    /// At most one of these keys may be present.
    case atMostOne([String])
    /// At least one of these keys must be present.
    case atLeastOne([String])
    /// When the first key is present, these keys must be too.
    case requires(String, [String])
}

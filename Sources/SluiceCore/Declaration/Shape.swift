/// The JSON a spec value must be.
///
/// A shape is declared once, beside the code that reads the value, and serves four purposes:
/// ``ShapeValidator`` checks submitted specs against it (unknown keys, types, allowed values,
/// ranges, with exact paths), the reference page documents it, ``JSONSchemaWriter`` turns it
/// into a JSON Schema for editors, and `GET /components` lists it.
public indirect enum Shape: Sendable {
    /// A string, with optional length limits and a hint of what it holds.
    case string(TextRule)
    /// A whole number within a range.
    case integer(IntegerRange)
    /// Any finite number within a range.
    case number(NumberRange)
    /// `true` or `false`.
    case boolean
    /// One of a fixed list of strings; `noun` names what they are in messages (`aggregation`).
    case choice([String], noun: String? = nil)
    /// An array whose elements have one shape.
    case array(Shape, ArrayRule)
    /// An object with declared keys; any other key is an error.
    case object(ObjectShape)
    /// An object whose keys the user chooses (`{"total": "amount * qty"}`), each value of one shape.
    case map(keys: String, values: Shape)
    /// Any of several shapes, told apart by the kind of the value (a string or an object, say).
    case anyOf([Shape])
    /// Any JSON value; the string says what is expected there.
    case anything(String)
    /// A shape defined by name in a ``ShapeCatalog`` (for recursive or shared shapes).
    case reference(String)
    /// An object whose tag key (`type`, `operation`) picks the shape of its payload key
    /// (`config`): a source, a transform or a target.
    case variants(VariantShape)
}

/// An object with a tag that selects the shape of one of its keys: `{"type": "file",
/// "config": {…}}` checks `config` against the `file` source's declared config.
public struct VariantShape: Sendable {
    /// What the tag names, in messages (`source type`, `operation`).
    public var noun: String
    /// The key holding the tag (`type`).
    public var tagKey: String
    /// The key whose shape the tag selects (`config`; absent counts as `{}`), or `nil` when
    /// the tag selects further keys of the object itself (each variant is then an
    /// ``Shape/object(_:)`` of the keys it adds to ``common``).
    public var payloadKey: String?
    /// The keys every variant has, the tag and payload among them.
    public var common: ObjectShape
    /// The payload's shape for each tag, in the order the docs list them.
    public var variants: [(tag: String, payload: Shape)]

    public init(noun: String, tagKey: String, payloadKey: String?, common: ObjectShape, variants: [(tag: String, payload: Shape)]) {
        self.noun = noun
        self.tagKey = tagKey
        self.payloadKey = payloadKey
        self.common = common
        self.variants = variants
    }

    /// The tags, in order.
    public var tags: [String] { variants.map(\.tag) }
}

/// What a string may hold.
public struct TextRule: Sendable, Equatable {
    /// The fewest characters allowed.
    public var minLength: Int
    /// The most characters allowed, when limited.
    public var maxLength: Int?
    /// What the text is (`expression`, `regex`, `field`, `path`, `url`, `cron`), for the docs
    /// and the JSON Schema's `format`.
    public var format: String?

    public init(minLength: Int = 0, maxLength: Int? = nil, format: String? = nil) {
        self.minLength = minLength
        self.maxLength = maxLength
        self.format = format
    }
}

/// The whole numbers an integer field takes.
public struct IntegerRange: Sendable, Equatable {
    public var min: Int
    public var max: Int

    public init(min: Int = Int.min, max: Int = Int.max) {
        self.min = min
        self.max = max
    }
}

/// The numbers a number field takes.
public struct NumberRange: Sendable, Equatable {
    public var min: Double?
    public var max: Double?

    public init(min: Double? = nil, max: Double? = nil) {
        self.min = min
        self.max = max
    }
}

/// How many elements an array may have.
public struct ArrayRule: Sendable, Equatable {
    public var minItems: Int
    public var maxItems: Int?

    public init(minItems: Int = 0, maxItems: Int? = nil) {
        self.minItems = minItems
        self.maxItems = maxItems
    }
}

extension Shape {
    /// Any string.
    public static let text = Shape.string(TextRule())
    /// A string that is not empty.
    public static let nonEmptyText = Shape.string(TextRule(minLength: 1))
    /// A field name.
    public static let fieldName = Shape.string(TextRule(minLength: 1, format: "field"))
    /// A list of field names.
    public static let fieldNames = Shape.array(.fieldName, ArrayRule())
    /// A non-empty list of field names.
    public static let someFieldNames = Shape.array(.fieldName, ArrayRule(minItems: 1))
    /// An expression of the expression language.
    public static let expression = Shape.string(TextRule(minLength: 1, format: "expression"))
    /// A regular expression.
    public static let regex = Shape.string(TextRule(format: "regex"))
    /// A file path, inside the data roots.
    public static let path = Shape.string(TextRule(minLength: 1, format: "path"))
    /// Exactly one character.
    public static let character = Shape.string(TextRule(minLength: 1, maxLength: 1))
    /// Any JSON value.
    public static let anyValue = Shape.anything("any JSON value")

    /// A string of a format (`url`, `cron`, …).
    public static func text(format: String, minLength: Int = 1) -> Shape {
        .string(TextRule(minLength: minLength, format: format))
    }

    /// An integer from `min` to `max`.
    public static func integer(_ min: Int, _ max: Int) -> Shape { .integer(IntegerRange(min: min, max: max)) }

    /// An integer of at least `min`.
    public static func integer(atLeast min: Int) -> Shape { .integer(IntegerRange(min: min)) }

    /// A number from `min` to `max` (either end open when `nil`).
    public static func number(_ min: Double? = nil, _ max: Double? = nil) -> Shape { .number(NumberRange(min: min, max: max)) }

    /// One of the raw values of a string enum, in declaration order.
    public static func choice<E: CaseIterable & RawRepresentable>(_ type: E.Type, noun: String? = nil) -> Shape where E.RawValue == String {
        .choice(type.allCases.map(\.rawValue), noun: noun)
    }

    /// An array of `element`.
    public static func array(_ element: Shape, minItems: Int = 0, maxItems: Int? = nil) -> Shape {
        .array(element, ArrayRule(minItems: minItems, maxItems: maxItems))
    }

    /// An object with these fields.
    public static func object(_ fields: [FieldShape], rules: [ObjectRule] = []) -> Shape {
        .object(ObjectShape(fields, rules: rules))
    }

    /// An object of string values under keys the user chooses.
    public static func map(_ keys: String, _ values: Shape) -> Shape { .map(keys: keys, values: values) }
}

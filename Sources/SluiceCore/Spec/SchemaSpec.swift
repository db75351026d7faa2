/// A record schema: declared fields, required fields and strictness.
public struct SchemaSpec: Codable, Sendable, Equatable {
    /// The declared fields, in order.
    public var fields: [FieldSpec]
    /// Fields that must be present and non-null.
    public var required: [String]
    /// `false`: unknown fields pass and safe coercions apply; `true`: both are errors.
    public var strictMode: Bool

    public init(fields: [FieldSpec], required: [String] = [], strictMode: Bool = false) {
        self.fields = fields
        self.required = required
        self.strictMode = strictMode
    }

    enum CodingKeys: String, CodingKey { case fields, required, strictMode }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fields = try c.decodeIfPresent([FieldSpec].self, forKey: .fields) ?? []
        required = try c.decodeIfPresent([String].self, forKey: .required) ?? []
        strictMode = try c.decodeIfPresent(Bool.self, forKey: .strictMode) ?? false
        var seen = Set<String>()
        for (index, field) in fields.enumerated() where !seen.insert(field.name).inserted {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: c.codingPath + [CodingKeys.fields, AnyCodingKey(index: index), FieldSpec.CodingKeys.name],
                    debugDescription: "duplicate field '\(field.name)'"))
        }
    }

    /// The declared field named `name`.
    public func field(named name: String) -> FieldSpec? { fields.first { $0.name == name } }
}

/// One declared field of a ``SchemaSpec``.
public struct FieldSpec: Codable, Sendable, Equatable {
    /// The field's name in the record.
    public var name: String
    /// The expected type.
    public var type: FieldType
    /// Whether null (or absence) is allowed; `true` when not said.
    public var nullable: Bool
    /// Further checks on non-null values.
    public var validators: [ValidatorSpec]

    public init(name: String, type: FieldType, nullable: Bool = true, validators: [ValidatorSpec] = []) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.validators = validators
    }

    enum CodingKeys: String, CodingKey { case name, type, nullable, validators }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decode(FieldType.self, forKey: .type)
        nullable = try c.decodeIfPresent(Bool.self, forKey: .nullable) ?? true
        validators = try c.decodeIfPresent([ValidatorSpec].self, forKey: .validators) ?? []
    }
}

/// The field types a schema can declare.
public enum FieldType: String, Codable, Sendable, CaseIterable {
    case string, number, boolean, date, array, object

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode(String.self)
        guard let type = FieldType(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: c,
                debugDescription: "unknown type '\(raw)'; expected one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = type
    }
}

/// One validator of a field (`min`, `max`, `pattern`, `enum`).
public struct ValidatorSpec: Codable, Sendable, Equatable {
    /// The validator kind.
    public var type: String
    /// Its argument: a number for min/max, a regex for pattern, an array for enum.
    public var value: Value
    /// The message recorded when the check fails, instead of the default one.
    public var message: String?
    /// A `custom` validator's boolean expression over `value` (`starts_with(value, 'USER_')`).
    public var fn: String?

    public init(type: String, value: Value, message: String? = nil, fn: String? = nil) {
        self.type = type
        self.value = value
        self.message = message
        self.fn = fn
    }

    enum CodingKeys: String, CodingKey { case type, value, message, fn }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        value = try c.decodeIfPresent(Value.self, forKey: .value) ?? .null
        message = try c.decodeIfPresent(String.self, forKey: .message)
        fn = try c.decodeIfPresent(String.self, forKey: .fn)
    }
}

/// Writes declared shapes as a JSON Schema (draft 2020-12), so editors can complete and
/// check job specs with the same rules the server applies.
///
/// The schema is a little stricter than the server in one place: the server reads an
/// optional key set to `null` as absent, the schema wants the key left out.
public struct JSONSchemaWriter: Sendable {
    /// The named shapes, written under `$defs`.
    public let catalog: ShapeCatalog

    public init(catalog: ShapeCatalog) {
        self.catalog = catalog
    }

    /// A whole schema document whose root is the catalog's shape `root`.
    public func document(root: String, title: String, id: String? = nil) -> Value {
        var definitions = ValueObject()
        for name in catalog.definitions.keys.sorted() {
            guard let shape = catalog[name] else { continue }
            definitions[name] = schema(shape, definitions: &definitions)
        }
        var document = ValueObject()
        document["$schema"] = .string("https://json-schema.org/draft/2020-12/schema")
        if let id { document["$id"] = .string(id) }
        document["title"] = .string(title)
        document["$ref"] = .string("#/$defs/\(root)")
        document["$defs"] = .object(definitions.sortedByKey())
        return .object(document)
    }

    /// The schema of one shape; variant payloads are added to `definitions` under
    /// `<noun>-<tag>` (`source-file`).
    func schema(_ shape: Shape, definitions: inout ValueObject, description: String? = nil) -> Value {
        var o = ValueObject()
        if let description, !description.isEmpty { o["description"] = .string(description) }
        switch shape {
        case .string(let rule):
            o["type"] = "string"
            if rule.minLength > 0 { o["minLength"] = .int(rule.minLength) }
            if let most = rule.maxLength { o["maxLength"] = .int(most) }
            if rule.format == "regex" { o["format"] = "regex" }
        case .integer(let range):
            o["type"] = "integer"
            if range.min != Int.min { o["minimum"] = .int(range.min) }
            if range.max != Int.max { o["maximum"] = .int(range.max) }
        case .number(let range):
            o["type"] = "number"
            if let low = range.min { o["minimum"] = .double(low) }
            if let high = range.max { o["maximum"] = .double(high) }
        case .boolean:
            o["type"] = "boolean"
        case .choice(let names, _):
            o["type"] = "string"
            o["enum"] = .array(names.map(Value.string))
        case .array(let element, let rule):
            o["type"] = "array"
            o["items"] = schema(element, definitions: &definitions)
            if rule.minItems > 0 { o["minItems"] = .int(rule.minItems) }
            if let most = rule.maxItems { o["maxItems"] = .int(most) }
        case .object(let object):
            write(object, into: &o, definitions: &definitions)
        case .map(_, let values):
            o["type"] = "object"
            o["additionalProperties"] = schema(values, definitions: &definitions)
        case .anyOf(let shapes):
            o["anyOf"] = .array(shapes.map { schema($0, definitions: &definitions) })
        case .anything(let what):
            if description == nil { o["description"] = .string(what) }
        case .reference(let name):
            o["$ref"] = .string("#/$defs/\(name)")
        case .variants(let variants):
            write(variants, into: &o, definitions: &definitions)
        }
        return .object(o)
    }

    private func write(_ object: ObjectShape, into o: inout ValueObject, definitions: inout ValueObject) {
        o["type"] = "object"
        var properties = ValueObject()
        for field in object.fields {
            var property = schema(field.shape, definitions: &definitions, description: field.summary)
            if let value = field.defaultValue, case .object(var p) = property {
                p["default"] = value
                property = .object(p)
            }
            properties[field.name] = property
        }
        o["properties"] = .object(properties)
        let required = object.fields.filter(\.isRequired).map { Value.string($0.name) }
        if !required.isEmpty { o["required"] = .array(required) }
        if !object.isOpen { o["additionalProperties"] = false }
        let rules = object.rules.map(Self.schema(of:))
        if !rules.isEmpty { o["allOf"] = .array(rules) }
    }

    private static func required(_ key: String) -> Value { ["required": [.string(key)]] }

    private static func schema(of rule: ObjectRule) -> Value {
        switch rule {
        case .exactlyOne(let keys):
            return ["oneOf": .array(keys.map(required))]
        case .atLeastOne(let keys):
            return ["anyOf": .array(keys.map(required))]
        case .atMostOne(let keys):
            var pairs: [Value] = []
            for (i, a) in keys.enumerated() {
                for b in keys[(i + 1)...] { pairs.append(["required": [.string(a), .string(b)]]) }
            }
            return ["not": ["anyOf": .array(pairs)]]
        case .requires(let key, let needed):
            return ["dependentRequired": .object(ValueObject([(key, .array(needed.map(Value.string)))]))]
        }
    }

    private func write(_ variants: VariantShape, into o: inout ValueObject, definitions: inout ValueObject) {
        var common = variants.common
        var extraKeys: [String: FieldShape] = [:]
        if variants.payloadKey == nil {
            for (_, payload) in variants.variants {
                guard case .object(let extra) = payload else { continue }
                for field in extra.fields where common.field(field.name) == nil && extraKeys[field.name] == nil {
                    extraKeys[field.name] = FieldShape(
                        name: field.name, shape: .anything("depends on \(variants.tagKey)"), isRequired: false, summary: field.summary)
                }
            }
            common.fields += extraKeys.values.sorted { $0.name < $1.name }
        }
        write(common, into: &o, definitions: &definitions)
        if case .object(var properties)? = o["properties"], case .object(var tag)? = properties[variants.tagKey] {
            tag["enum"] = .array(variants.tags.map(Value.string))
            tag["minLength"] = nil
            properties[variants.tagKey] = .object(tag)
            o["properties"] = .object(properties)
        }
        var branches: [Value] = []
        let prefix = variants.noun.split(separator: " ").first.map(String.init) ?? variants.noun
        for (tag, payload) in variants.variants {
            var condition = ValueObject()
            condition["properties"] = .object(ValueObject([(variants.tagKey, Value.object(ValueObject([("const", Value.string(tag))])))]))
            condition["required"] = [.string(variants.tagKey)]
            var then = ValueObject()
            if let payloadKey = variants.payloadKey {
                let name = "\(prefix)-\(tag)"
                definitions[name] = schema(payload, definitions: &definitions)
                then["properties"] = .object(ValueObject([(payloadKey, Value.object(ValueObject([("$ref", Value.string("#/$defs/\(name)"))])))]))
                if case .object(let shape) = payload, shape.fields.contains(where: \.isRequired) || !shape.rules.isEmpty {
                    then["required"] = [.string(payloadKey)]
                }
            } else if case .object(let extra) = payload {
                var properties = ValueObject()
                for field in extra.fields { properties[field.name] = schema(field.shape, definitions: &definitions, description: field.summary) }
                then["properties"] = .object(properties)
                let required = extra.fields.filter(\.isRequired).map { Value.string($0.name) }
                if !required.isEmpty { then["required"] = .array(required) }
                let foreign = extraKeys.keys.filter { extra.field($0) == nil }.sorted()
                if !foreign.isEmpty { then["not"] = ["anyOf": .array(foreign.map(Self.required))] }
            }
            branches.append(["if": .object(condition), "then": .object(then)])
        }
        var all = o["allOf"]?.arrayValue ?? []
        all += branches
        o["allOf"] = .array(all)
    }
}

extension ValueObject {
    /// The same object with its keys in byte order.
    func sortedByKey() -> ValueObject {
        ValueObject(pairs.sorted { $0.0 < $1.0 }.map { ($0.0, $0.1) })
    }
}

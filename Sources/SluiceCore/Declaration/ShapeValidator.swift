/// Checks a spec value against its declared ``Shape`` and reports every problem with its exact
/// path, in document order: unknown keys (with the key probably meant), missing required
/// keys, wrong kinds, values outside their list or range.
///
/// Checking comes before decoding, so no decoder text ever reaches a user and no misspelt
/// key is silently ignored.
public struct ShapeValidator: Sendable {
    /// Shapes that ``Shape/reference(_:)`` names.
    public let catalog: ShapeCatalog
    /// Nesting deeper than this is refused instead of being followed (the JSON parser already
    /// stops far below the stack's limit; this bounds recursive shapes too).
    public static let maximumDepth = 600

    public init(catalog: ShapeCatalog = ShapeCatalog()) {
        self.catalog = catalog
    }

    /// Every problem of `value` against `shape`; paths start at `path`.
    public func errors(in value: Value, against shape: Shape, at path: String = "") -> [SpecError] {
        var errors: [SpecError] = []
        check(value, shape, path, depth: 0, into: &errors)
        return errors
    }

    /// Throws the problems of `value` against `shape`, if any.
    public func validate(_ value: Value, against shape: Shape, at path: String = "") throws(SpecErrors) {
        let found = errors(in: value, against: shape, at: path)
        if !found.isEmpty { throw SpecErrors(found) }
    }

    private func check(_ value: Value, _ shape: Shape, _ path: String, depth: Int, into errors: inout [SpecError]) {
        guard depth < Self.maximumDepth else {
            errors.append(SpecError(path: path, "nested deeper than \(Self.maximumDepth) levels"))
            return
        }
func mismatch() { errors.append(SpecError(path: path, "expected \(shape.phrase), found \(Self.shown(value, at: path))")) }
        switch shape {
        case .anything:
            return
        case .reference(let name):
            guard let resolved = catalog[name] else {
                errors.append(SpecError(path: path, "no shape named '\(name)' is declared"))
                return
            }
            check(value, resolved, path, depth: depth + 1, into: &errors)
        case .string(let rule):
            guard case .string(let text) = value else { return mismatch() }
            checkLength(text, rule, path, into: &errors)
        case .choice(let names, let noun):
            guard case .string(let text) = value else { return mismatch() }
            if !names.contains(text) {
                let hint = NearestName.suggestion(for: text, among: names).map { "did you mean '\($0)'? " } ?? ""
                errors.append(SpecError(
                    path: path, "unknown \(noun ?? "value") '\(text)'; \(hint)expected one of \(names.joined(separator: ", "))"))
            }
        case .integer(let range):
            let whole: Int?
            switch value {
            case .int(let i): whole = i
            case .double(let d): whole = Int(exactly: d)
            default: return mismatch()
            }
            guard let whole, whole >= range.min, whole <= range.max else { return mismatch() }
        case .number(let range):
            guard let number = value.number, number.isFinite else { return mismatch() }
            if let low = range.min, number < low { return mismatch() }
            if let high = range.max, number > high { return mismatch() }
        case .boolean:
            guard case .bool = value else { return mismatch() }
        case .array(let element, let rule):
            guard case .array(let items) = value else { return mismatch() }
            if items.count < rule.minItems {
                errors.append(SpecError(
                    path: path, rule.minItems == 1 ? "must not be empty" : "expected at least \(rule.minItems) elements, found \(items.count)"))
            }
            if let most = rule.maxItems, items.count > most {
                errors.append(SpecError(path: path, "expected at most \(most) elements, found \(items.count)"))
            }
            for (index, item) in items.enumerated() {
                check(item, element, path + "[\(index)]", depth: depth + 1, into: &errors)
            }
        case .map(_, let values):
            guard case .object(let object) = value else { return mismatch() }
            for (key, item) in object.pairs {
                check(item, values, SpecPath.join(path, key), depth: depth + 1, into: &errors)
            }
        case .object(let declared):
            guard case .object(let object) = value else { return mismatch() }
            checkObject(object, declared, path, depth: depth, into: &errors)
        case .variants(let declared):
            guard case .object(let object) = value else { return mismatch() }
            guard case .string(let tag)? = object[declared.tagKey],
                let payload = declared.variants.first(where: { $0.tag == tag })?.payload
            else {
                var common = declared.common
                common.isOpen = true
                checkObject(object, common, path, depth: depth, into: &errors)
                if case .string(let tag)? = object[declared.tagKey] {
                    let hint = NearestName.suggestion(for: tag, among: declared.tags).map { "did you mean '\($0)'? " } ?? ""
                    errors.append(SpecError(
                        path: SpecPath.join(path, declared.tagKey),
                        "unknown \(declared.noun) '\(tag)'; \(hint)expected one of \(declared.tags.joined(separator: ", "))"))
                }
                return
            }
            guard let payloadKey = declared.payloadKey else {
                var merged = declared.common
                if case .object(let extra) = payload {
                    merged.fields += extra.fields
                    merged.rules += extra.rules
                }
                checkObject(object, merged, path, depth: depth, into: &errors)
                return
            }
            checkObject(object, declared.common, path, depth: depth, into: &errors)
            let content = object[payloadKey].flatMap { $0.isNull ? nil : $0 } ?? .object(ValueObject())
            check(content, payload, SpecPath.join(path, payloadKey), depth: depth + 1, into: &errors)
        case .anyOf(let shapes):
            let candidates = shapes.filter { $0.accepts(kind: value, catalog: catalog) }
            guard !candidates.isEmpty else { return mismatch() }
            var fewest: [SpecError]?
            for candidate in candidates {
                var found: [SpecError] = []
                check(value, candidate, path, depth: depth + 1, into: &found)
                if found.isEmpty { return }
                if found.count < (fewest?.count ?? Int.max) { fewest = found }
            }
            errors += fewest ?? []
        }
    }

    private func checkObject(_ object: ValueObject, _ declared: ObjectShape, _ path: String, depth: Int, into errors: inout [SpecError]) {
        let names = declared.names
        for (key, item) in object.pairs {
            let keyPath = SpecPath.join(path, key)
            guard let field = declared.field(key) else {
                if declared.isOpen { continue }
                errors.append(SpecError(path: keyPath, Self.unknownKey(key, expected: names)))
                continue
            }
            if item.isNull {
                if field.isRequired { errors.append(SpecError(path: keyPath, "expected \(field.shape.phrase), found null")) }
                continue
            }
            check(item, field.shape, keyPath, depth: depth + 1, into: &errors)
        }
        for field in declared.fields where field.isRequired && object[field.name] == nil {
            errors.append(SpecError(path: SpecPath.join(path, field.name), "required field is missing"))
        }
        func present(_ keys: [String]) -> [String] { keys.filter { !(object[$0]?.isNull ?? true) } }
        for rule in declared.rules {
            switch rule {
            case .exactlyOne(let keys):
                let given = present(keys)
                if given.isEmpty {
                    errors.append(SpecError(path: SpecPath.join(path, keys.first ?? ""), "required: give one of \(Self.list(keys))"))
                } else if given.count > 1 {
                    errors.append(SpecError(path: SpecPath.join(path, given[1]), "give only one of \(Self.list(keys)), not both \(given[0]) and \(given[1])"))
                }
            case .atMostOne(let keys):
                let given = present(keys)
                if given.count > 1 {
                    errors.append(SpecError(path: SpecPath.join(path, given[1]), "give only one of \(Self.list(keys)), not both \(given[0]) and \(given[1])"))
                }
            case .atLeastOne(let keys):
                if present(keys).isEmpty {
                    errors.append(SpecError(path: SpecPath.join(path, keys.first ?? ""), "required: give at least one of \(Self.list(keys))"))
                }
            case .requires(let key, let needed):
                guard !present([key]).isEmpty else { continue }
                for missing in needed where present([missing]).isEmpty {
                    errors.append(SpecError(path: SpecPath.join(path, missing), "required when '\(key)' is given"))
                }
            }
        }
    }

    private func checkLength(_ text: String, _ rule: TextRule, _ path: String, into errors: inout [SpecError]) {
        guard rule.minLength > 0 || rule.maxLength != nil else { return }
        let length = text.count
        if rule.minLength == 1, rule.maxLength == 1, length != 1 {
            errors.append(SpecError(
                path: path,
                "expected exactly one character, found \(Self.shown(.string(text), at: path))"))
        } else if length < rule.minLength {
            errors.append(SpecError(path: path, rule.minLength == 1 ? "must not be empty" : "must have at least \(rule.minLength) characters"))
        } else if let most = rule.maxLength, length > most {
            errors.append(SpecError(path: path, "must have at most \(most) characters, found \(length)"))
        }
    }

    /// `unknown key; did you mean 'delimiter'? expected one of path, format, delimiter`.
    public static func unknownKey(_ key: String, expected names: [String]) -> String {
        let hint = NearestName.suggestion(for: key, among: names).map { "did you mean '\($0)'? " } ?? ""
        let expected = names.isEmpty ? "this object takes no keys" : "expected one of \(names.joined(separator: ", "))"
        return "unknown key; \(hint)\(expected)"
    }

    /// The last key of a path (`password` of `source.config.password`, `tags` of `tags[2]`).
    static func lastKey(of path: String) -> String {
        let key = path.split(separator: ".").last.map(String.init) ?? path
        return key.split(separator: "[").first.map(String.init) ?? key
    }

    /// `value` as a message may show it at `path`: quoted (``describe(_:)``), except under a
    /// secret-looking key (a password given as a number, say), where only its kind is named.
    static func shown(_ value: Value, at path: String) -> String {
        guard Secrets.isSecretName(lastKey(of: path)) else { return describe(value) }
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        default: return describe(value)
        }
    }

    /// A value as an error message quotes it: short scalars in full, the kind otherwise.
    static func describe(_ value: Value) -> String {
        switch value {
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "'\(shown)'"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : "a number out of range"
        case .bool(let b): return String(b)
        case .null: return "null"
        case .timestamp: return "a date"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private static func list(_ keys: [String]) -> String {
        keys.count == 2 ? "\(keys[0]) or \(keys[1])" : keys.joined(separator: ", ")
    }
}

extension Shape {
    /// The shape in a few words, as error messages and the reference page say it
    /// (`an integer from 1 to 65535`, `one of json, ndjson, csv`, `an array of field names`).
    public var phrase: String {
        switch self {
        case .string(let rule):
            switch rule.format {
            case "expression"?: return "an expression"
            case "regex"?: return "a regular expression"
            case "field"?: return "a field name"
            case "path"?: return "a file path"
            case let format?: return "a \(format) string"
            case nil: return rule.minLength == 1 && rule.maxLength == 1 ? "one character" : "a string"
            }
        case .integer(let range):
            switch (range.min, range.max) {
            case (Int.min, Int.max): return "an integer"
            case (let low, Int.max): return "an integer of at least \(low)"
            case (Int.min, let high): return "an integer of at most \(high)"
            case (let low, let high): return "an integer from \(low) to \(high)"
            }
        case .number(let range):
            switch (range.min, range.max) {
            case (nil, nil): return "a number"
            case (let low?, nil): return "a number of at least \(Self.format(low))"
            case (nil, let high?): return "a number of at most \(Self.format(high))"
            case (let low?, let high?): return "a number from \(Self.format(low)) to \(Self.format(high))"
            }
        case .boolean: return "true or false"
        case .choice(let names, let noun):
            if let noun { return "\(Self.article(noun)) \(noun) (\(names.joined(separator: ", ")))" }
            return "one of " + names.joined(separator: ", ")
        case .array(let element, _):
            if case .string(let rule) = element, rule.format == "field" { return "an array of field names" }
            return "an array of \(element.plural)"
        case .object: return "an object"
        case .map(let keys, let values): return "an object of \(keys) → \(values.phrase)"
        case .anyOf(let shapes): return shapes.map(\.phrase).joined(separator: " or ")
        case .anything(let what): return what
        case .reference(let name): return "a \(name)"
        case .variants(let shape): return "a \(shape.noun.split(separator: " ").first.map(String.init) ?? shape.noun)"
        }
    }

    /// The plural noun for arrays of this shape (`strings`, `objects`).
    var plural: String {
        switch self {
        case .string(let rule) where rule.format == "expression": return "expressions"
        case .string: return "strings"
        case .integer: return "integers"
        case .number: return "numbers"
        case .boolean: return "booleans"
        case .choice(let names, let noun):
            if let noun { return "\(noun)s" }
            return "values out of " + names.joined(separator: ", ")
        case .array: return "arrays"
        case .object, .map: return "objects"
        case .anyOf(let shapes): return shapes.map(\.plural).joined(separator: " or ")
        case .anything: return "values"
        case .reference(let name): return "\(name)s"
        case .variants: return "objects"
        }
    }

    /// The JSON kinds a value of this shape can have, used to tell `anyOf` alternatives apart.
    func accepts(kind value: Value, catalog: ShapeCatalog, depth: Int = 0) -> Bool {
        switch (self, value) {
        case (.anything, _): return true
        case (.string, .string), (.choice, .string): return true
        case (.integer, .int), (.integer, .double), (.number, .int), (.number, .double): return true
        case (.boolean, .bool): return true
        case (.array, .array): return true
        case (.object, .object), (.map, .object), (.variants, .object): return true
        case (.anyOf(let shapes), _): return shapes.contains { $0.accepts(kind: value, catalog: catalog, depth: depth + 1) }
        case (.reference(let name), _):
            guard depth < 16, let shape = catalog[name] else { return false }
            return shape.accepts(kind: value, catalog: catalog, depth: depth + 1)
        default: return false
        }
    }

    /// `a` or `an` for `noun`.
    static func article(_ noun: String) -> String {
        guard let first = noun.first?.lowercased() else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    static func format(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
        return String(number)
    }
}

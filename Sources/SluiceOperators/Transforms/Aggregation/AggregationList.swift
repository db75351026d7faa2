import SluiceCore

/// One aggregation of an `aggregate` step: which function of which field, and the name of
/// the field it produces.
public struct AggregationSpec: Sendable, Equatable {
    /// The output field.
    public var output: String
    /// The input field (for `count`, which counts rows, only named for lineage).
    public var field: String
    /// The function.
    public var function: AggregationFunction
    /// Where the output is named, relative to `config` (`aggregations.amount`,
    /// `aggregations.amount[2]`, `aggregations.total`), so later checks can point at it.
    public var path: String
    /// For `percentile`: the fraction from 0 to 1 (0.9 for the 90th percentile).
    public var p: Double?

    /// An aggregation of `field` named `output`.
    public init(output: String, field: String, function: AggregationFunction, path: String, p: Double? = nil) {
        self.output = output
        self.field = field
        self.function = function
        self.path = path
        self.p = p
    }
}

/// The `aggregations` object of an `aggregate` step, in the order written. Each key takes
/// one of four forms:
///
/// - `"amount": "sum"`: one function; the output keeps the field's name (the simplest form);
/// - `"amount": {"function": "sum", "as": "total"}`: one function of the key's field; the
///   output is named by `as`, or keeps the field's name without it;
/// - `"amount": ["sum", {"function": "sum", "as": "total"}, {"function": "percentile", "p": 0.9}]`:
///   several functions; outputs are named by `as`, or `amount_sum`, and `amount_p90` for a
///   percentile;
/// - `"total": {"field": "amount", "function": "sum"}`: one function of `field`, output named
///   by the key (so `field` and `as` together are an error).
///
/// `percentile` needs `p` (from 0 to 1), so it is written in one of the object forms.
public struct AggregationList: Decodable, Sendable, Equatable {
    /// The aggregations in output order.
    public var items: [AggregationSpec]

    /// Aggregations in the given order.
    public init(_ items: [AggregationSpec]) {
        self.items = items
    }

    /// Decodes the object; errors carry the path of the offending key or array element.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        let base = SpecPath.from(decoder.codingPath)
        items = []
        for key in c.allKeys {
            let name = key.stringValue
            let path = SpecPath.join(base, name)
            switch try c.decode(Value.self, forKey: key) {
            case .string(let function):
                let f = try Self.function(function, path)
                guard f != .percentile else {
                    throw SpecError(path: path, #"percentile needs p; write {"field": "\#(name)", "function": "percentile", "p": 0.9}"#)
                }
                items.append(AggregationSpec(output: name, field: name, function: f, path: path))
            case .array(let entries):
                guard !entries.isEmpty else {
                    throw SpecError(path: path, "expected at least one function, as [\"sum\", \"avg\"]")
                }
                var seen = Set<String>()
                for (i, item) in entries.enumerated() {
                    let itemPath = SpecPath.join(path, "[\(i)]")
                    switch item {
                    case .string(let function):
                        guard seen.insert(function).inserted else {
                            throw SpecError(path: itemPath, "duplicate function '\(function)'")
                        }
                        let f = try Self.function(function, itemPath)
                        guard f != .percentile else {
                            throw SpecError(path: itemPath, #"percentile needs p; write {"function": "percentile", "p": 0.9}"#)
                        }
                        items.append(AggregationSpec(output: "\(name)_\(function)", field: name, function: f, path: itemPath))
                    case .object(let object):
                        items.append(try Self.entry(of: name, object, itemPath))
                    default:
                        throw SpecError(
                            path: itemPath, #"expected a function name or {"function": "sum", "as": "total"}, found \#(item.kindName)"#)
                    }
                }
            case .object(let object):
                items.append(try Self.single(name, object, path))
            case let other:
                throw SpecError(
                    path: path,
                    "expected a function name (\"sum\"), a list of them ([\"sum\", \"avg\"]), {\"function\": \"sum\", \"as\": \"total\"} or {\"field\": \"amount\", \"function\": \"sum\"}, found \(other.kindName)")
            }
        }
    }

    /// An object directly under a key: with `field`, the keyed form (output named by the key);
    /// without it, one function of the key's field, named by `as` or by the field itself.
    private static func single(_ key: String, _ object: ValueObject, _ path: String) throws(SpecError) -> AggregationSpec {
        guard object["field"] != nil else {
            var spec = try entry(of: key, object, path)
            if object["as"] == nil { spec.output = key }
            return spec
        }
        if object["as"] != nil {
            throw SpecError(
                path: SpecPath.join(path, "as"),
                "give either field (the key '\(key)' then names the output) or as (the key then names the input field), not both")
        }
        return try named(key, object, path)
    }

    /// The keyed object form: `{"field": "amount", "function": "sum"}`, output named by the key.
    private static func named(_ output: String, _ object: ValueObject, _ path: String) throws(SpecError) -> AggregationSpec {
        for key in object.keys where !["field", "function", "p"].contains(key) {
            throw SpecError(path: SpecPath.join(path, key), "unknown key '\(key)'; expected field, function and p")
        }
        let field = try text("field", in: object, path)
        let f = try function(try text("function", in: object, path), SpecPath.join(path, "function"))
        return AggregationSpec(output: output, field: field, function: f, path: path, p: try fraction(f, object, path))
    }

    /// An array element in object form: `{"function": "sum", "as": "total"}` of the key's field.
    private static func entry(of field: String, _ object: ValueObject, _ path: String) throws(SpecError) -> AggregationSpec {
        for key in object.keys where !["function", "as", "p"].contains(key) {
            throw SpecError(path: SpecPath.join(path, key), "unknown key '\(key)'; expected function, as and p")
        }
        let f = try function(try text("function", in: object, path), SpecPath.join(path, "function"))
        let p = try fraction(f, object, path)
        let output: String
        if object["as"] != nil {
            output = try text("as", in: object, path)
            guard !output.isEmpty else { throw SpecError(path: SpecPath.join(path, "as"), "expected a field name, found an empty string") }
        } else {
            output = defaultName(field, f, p)
        }
        return AggregationSpec(output: output, field: field, function: f, path: path, p: p)
    }

    /// The output name of a function in the array form without `as`: `amount_sum`, `amount_p90`.
    static func defaultName(_ field: String, _ function: AggregationFunction, _ p: Double?) -> String {
        guard function == .percentile, let p else { return "\(field)_\(function.rawValue)" }
        // Percent to four decimals: 0.9 → p90, 0.999 → p99_9, 0.12345 → p12_345.
        let units = Int((p * 1_000_000).rounded())
        var name = "\(field)_p\(units / 10_000)"
        var fraction = units % 10_000
        if fraction > 0 {
            var digits = 4
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let text = String(fraction)
            name += "_" + String(repeating: "0", count: digits - text.count) + text
        }
        return name
    }

    /// The string at `key`, or an error at it.
    private static func text(_ key: String, in object: ValueObject, _ path: String) throws(SpecError) -> String {
        let keyPath = SpecPath.join(path, key)
        switch object[key] {
        case .string(let s)?: return s
        case nil: throw SpecError(path: keyPath, "required field is missing")
        case let other?: throw SpecError(path: keyPath, "expected a string, found \(other.kindName)")
        }
    }

    /// `p` of a percentile (required, from 0 to 1); an error if another function has one.
    private static func fraction(_ function: AggregationFunction, _ object: ValueObject, _ path: String) throws(SpecError) -> Double? {
        let pPath = SpecPath.join(path, "p")
        guard function == .percentile else {
            if object["p"] != nil { throw SpecError(path: pPath, "p applies only to percentile, not \(function.rawValue)") }
            return nil
        }
        guard let value = object["p"] else { throw SpecError(path: pPath, "required field is missing") }
        guard let p = value.number, p >= 0, p <= 1 else {
            throw SpecError(path: pPath, "expected a number from 0 to 1 (0.9 for the 90th percentile), found \(value.description)")
        }
        return p
    }

    private static func function(_ name: String, _ path: String) throws(SpecError) -> AggregationFunction {
        guard let function = AggregationFunction(rawValue: name) else {
            throw SpecError(path: path, "unknown aggregation '\(name)'; expected one of \(AggregationFunction.expectedList)")
        }
        return function
    }
}

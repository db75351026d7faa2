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

    /// An aggregation of `field` named `output`.
    public init(output: String, field: String, function: AggregationFunction, path: String) {
        self.output = output
        self.field = field
        self.function = function
        self.path = path
    }
}

/// The `aggregations` object of an `aggregate` step, in the order written. Each key takes
/// one of three forms:
///
/// - `"amount": "sum"`: one function; the output keeps the field's name (the seed's form);
/// - `"amount": ["sum", "median"]`: several functions; outputs `amount_sum`, `amount_median`;
/// - `"total": {"field": "amount", "function": "sum"}`: one function, output named by the key.
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
                items.append(AggregationSpec(output: name, field: name, function: try Self.function(function, path), path: path))
            case .array(let functions):
                guard !functions.isEmpty else {
                    throw SpecError(path: path, "expected at least one function, as [\"sum\", \"avg\"]")
                }
                var seen = Set<String>()
                for (i, item) in functions.enumerated() {
                    let itemPath = SpecPath.join(path, "[\(i)]")
                    guard case .string(let function) = item else {
                        throw SpecError(path: itemPath, "expected a function name, found \(item.kindName)")
                    }
                    guard seen.insert(function).inserted else {
                        throw SpecError(path: itemPath, "duplicate function '\(function)'")
                    }
                    items.append(AggregationSpec(
                        output: "\(name)_\(function)", field: name, function: try Self.function(function, itemPath), path: itemPath))
                }
            case .object(let object):
                items.append(try Self.named(name, object, path))
            case let other:
                throw SpecError(
                    path: path,
                    "expected a function name (\"sum\"), a list of them ([\"sum\", \"avg\"]) or {\"field\": \"amount\", \"function\": \"sum\"}, found \(other.kindName)")
            }
        }
    }

    /// The object form: `{"field": "amount", "function": "sum"}`.
    private static func named(_ output: String, _ object: ValueObject, _ path: String) throws(SpecError) -> AggregationSpec {
        for key in object.keys where key != "field" && key != "function" {
            throw SpecError(path: SpecPath.join(path, key), "unknown key '\(key)'; expected field and function")
        }
        func text(_ key: String) throws(SpecError) -> String {
            let keyPath = SpecPath.join(path, key)
            switch object[key] {
            case .string(let s)?: return s
            case nil: throw SpecError(path: keyPath, "required field is missing")
            case let other?: throw SpecError(path: keyPath, "expected a string, found \(other.kindName)")
            }
        }
        let field = try text("field")
        let functionPath = SpecPath.join(path, "function")
        return AggregationSpec(output: output, field: field, function: try function(try text("function"), functionPath), path: path)
    }

    private static func function(_ name: String, _ path: String) throws(SpecError) -> AggregationFunction {
        guard let function = AggregationFunction(rawValue: name) else {
            throw SpecError(path: path, "unknown aggregation '\(name)'; expected one of \(AggregationFunction.expectedList)")
        }
        return function
    }
}

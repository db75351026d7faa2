// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

extension AvroSchema {
    /// The fields records have at the top level: the root record's fields, or — for a file
    /// whose schema is not a record — one field named `value` holding each datum.
    var topLevelFields: [AvroField] {
        if case .record(_, let fields) = self[root].kind { return fields }
        return [AvroField(name: "value", type: root)]
    }

    /// The top-level fields as Sluice field schemas (see ``fieldSchema(name:node:)``).
    var fieldSchemas: [FieldSchema] {
        var budget = Self.maximumFieldSchemaNodes
        return topLevelFields.map { fieldSchema(name: $0.name, node: $0.type, enclosing: [], budget: &budget, depth: 0) }
    }

    /// The most type nodes the field schemas may hold in all: a schema that uses a named type
    /// twice in each of many nested records describes an exponentially large tree; past this
    /// many nodes, the rest are described as `json`.
    static let maximumFieldSchemaNodes = 100_000

    /// The field schema of a value of type `node`.
    ///
    /// A union of `null` and one other type is that type, nullable; any other union (two or
    /// more non-null branches) is `json`: its values are those of whichever branch each datum
    /// holds. A bare `null` type is a nullable `json` field that is always null. A record met
    /// again inside itself (a recursive type) is `json` there, since a field schema is a
    /// finite tree. `enclosing` lists the records being described around this one; `budget`
    /// counts down the nodes still allowed (``maximumFieldSchemaNodes``). Types nested deeper
    /// than values may be (``AvroLimits/maximumValueDepth``) are `json` too.
    func fieldSchema(name: String, node: Int, enclosing: Set<Int>, budget: inout Int, depth: Int) -> FieldSchema {
        guard budget > 0, depth <= AvroLimits.maximumValueDepth else { return FieldSchema(name: name, type: .json, nullable: true) }
        budget -= 1
        switch self[node].kind {
        case .null:
            return FieldSchema(name: name, type: .json, nullable: true)
        case .union(let branches):
            let nonNull = branches.filter { if case .null = self[$0].kind { return false } else { return true } }
            let nullable = nonNull.count < branches.count
            if nonNull.count == 1 {
                var inner = fieldSchema(name: name, node: nonNull[0], enclosing: enclosing, budget: &budget, depth: depth + 1)
                inner.nullable = inner.nullable || nullable
                return inner
            }
            return FieldSchema(name: name, type: .json, nullable: nullable)
        default:
            return FieldSchema(name: name, type: logicalType(node, enclosing: enclosing, budget: &budget, depth: depth), nullable: false)
        }
    }

    /// The Sluice logical type of a non-union node.
    private func logicalType(_ node: Int, enclosing: Set<Int>, budget: inout Int, depth: Int) -> LogicalType {
        let type = self[node]
        switch type.kind {
        case .null, .union: return .json
        case .boolean: return .boolean
        case .int:
            switch type.logical {
            case .date?: return .date
            case .timeMillis?: return .time(unit: .millis)
            default: return .integer(bits: 32, signed: true)
            }
        case .long:
            switch type.logical {
            case .timeMicros?: return .time(unit: .micros)
            case .timestamp(let unit, let utc)?:
                switch unit {
                case .millis: return .timestamp(unit: .millis, utc: utc)
                case .micros: return .timestamp(unit: .micros, utc: utc)
                case .nanos: return .timestamp(unit: .nanos, utc: utc)
                }
            default: return .integer(bits: 64, signed: true)
            }
        case .float: return .float(bits: 32)
        case .double: return .float(bits: 64)
        case .bytes, .fixed:
            switch type.logical {
            case .decimal(let precision, let scale)?: return .decimal(precision: precision, scale: scale)
            case .uuid?: return .uuid
            case .duration?:
                let part = LogicalType.integer(bits: 32, signed: false)
                return .structure(fields: [
                    FieldSchema(name: "months", type: part, nullable: false),
                    FieldSchema(name: "days", type: part, nullable: false),
                    FieldSchema(name: "milliseconds", type: part, nullable: false),
                ])
            default:
                if case .fixed(_, let size) = type.kind { return .fixedBinary(length: size) }
                return .binary
            }
        case .string: return type.logical == .uuid ? .uuid : .string
        case .enumeration(_, let symbols): return .enumeration(symbols: symbols)
        case .array(let items):
            return .list(element: fieldSchema(name: "element", node: items, enclosing: enclosing, budget: &budget, depth: depth + 1))
        case .map(let values):
            return .map(
                key: FieldSchema(name: "key", type: .string, nullable: false),
                value: fieldSchema(name: "value", node: values, enclosing: enclosing, budget: &budget, depth: depth + 1))
        case .record(_, let fields):
            guard !enclosing.contains(node) else { return .json }
            let inner = enclosing.union([node])
            var described: [FieldSchema] = []
            for field in fields { described.append(fieldSchema(name: field.name, node: field.type, enclosing: inner, budget: &budget, depth: depth + 1)) }
            return .structure(fields: described)
        }
    }
}

import SluiceCore
import SluiceFormats

/// One field of the file's schema tree: a column, or a group the source declared (a list, a
/// struct, a map) over nested fields, laid out as the Parquet format's LogicalTypes.md asks:
///
/// ```
/// <optional|required> group items (LIST) { repeated group list { <optional> element; } }
/// <optional|required> group attrs (MAP) { repeated group key_value { required key; <optional> value; } }
/// <optional|required> group point { x; y; }
/// ```
indirect enum ParquetNode: Sendable, Equatable {
    case leaf(ParquetColumnPlan)
    /// A struct: `children` in declared order.
    case structure(Group, children: [ParquetNode])
    /// A list: the repeated group `list` holding `element`.
    case list(Group, element: ParquetNode)
    /// A map: the repeated group `key_value` holding `key` and `value`.
    case map(Group, key: ParquetNode, value: ParquetNode)

    /// What a group node knows about itself.
    struct Group: Sendable, Equatable {
        var name: String
        var required: Bool
        /// The path from the top-level field to this node, for messages.
        var path: [String]
        /// The definition level of a present (non-null) value of this node.
        var definitionLevel: Int
        /// The repetition level of the repeated child group of a list or map (the level of
        /// its second and later entries).
        var repetitionLevel: Int
        /// The declared type, for messages.
        var typeName: String
    }

    /// The deepest nesting of groups written.
    static let maximumDepth = 32

    /// The node for the declared field `field` at `path`, below ancestors that reached
    /// definition level `definition` and repetition level `repetition`.
    static func declared(_ field: FieldSchema, path: [String], definition: Int, repetition: Int, depth: Int = 0) throws -> ParquetNode {
        let top = path.first ?? field.name
        guard depth <= maximumDepth else {
            throw FormatError("Parquet: field \"\(top)\" nests more than \(maximumDepth) levels")
        }
        let required = !field.nullable
        let present = definition + (required ? 0 : 1)
        func group() -> Group {
            Group(
                name: field.name, required: required, path: path, definitionLevel: present, repetitionLevel: repetition + 1,
                typeName: field.type.description)
        }
        switch field.type {
        case .list(let element):
            let node = try declared(
                FieldSchema(name: "element", type: element.type, nullable: element.nullable), path: path + ["list", "element"],
                definition: present + 1, repetition: repetition + 1, depth: depth + 1)
            return .list(group(), element: node)
        case .map(let key, let value):
            // Keys are never null.
            let keyNode = try declared(
                FieldSchema(name: "key", type: key.type, nullable: false), path: path + ["key_value", "key"],
                definition: present + 1, repetition: repetition + 1, depth: depth + 1)
            let valueNode = try declared(
                FieldSchema(name: "value", type: value.type, nullable: value.nullable), path: path + ["key_value", "value"],
                definition: present + 1, repetition: repetition + 1, depth: depth + 1)
            return .map(group(), key: keyNode, value: valueNode)
        case .structure(let fields) where !fields.isEmpty:
            var seen: Set<String> = []
            var children: [ParquetNode] = []
            for child in fields {
                guard seen.insert(child.name).inserted else {
                    throw FormatError("Parquet: field \"\(top)\" declares the struct member \"\(child.name)\" twice")
                }
                children.append(
                    try declared(child, path: path + [child.name], definition: present, repetition: repetition, depth: depth + 1))
            }
            return .structure(group(), children: children)
        default:
            // A struct without members cannot be a Parquet group: it is written as JSON.
            var plan = try ParquetSchemaInference.declaredPlan(name: field.name, hint: field)
            plan.path = path
            plan.maxDefinitionLevel = present
            plan.maxRepetitionLevel = repetition
            return .leaf(plan)
        }
    }

    /// The node's own name (a top-level node's is its field's).
    var fieldName: String {
        switch self {
        case .leaf(let plan): return plan.name
        case .structure(let group, _), .list(let group, _), .map(let group, _, _): return group.name
        }
    }

    /// The columns under this node, in schema order.
    var leaves: [ParquetColumnPlan] {
        switch self {
        case .leaf(let plan): return [plan]
        case .structure(_, let children): return children.flatMap(\.leaves)
        case .list(_, let element): return element.leaves
        case .map(_, let key, let value): return key.leaves + value.leaves
        }
    }

    /// The number of columns under this node.
    var leafCount: Int {
        switch self {
        case .leaf: return 1
        case .structure(_, let children): return children.reduce(0) { $0 + $1.leafCount }
        case .list(_, let element): return element.leafCount
        case .map(_, let key, let value): return key.leafCount + value.leafCount
        }
    }

    /// Appends the node's schema elements (itself, then its children depth first).
    func appendSchemaElements(to elements: inout [ParquetSchemaElement]) {
        switch self {
        case .leaf(let plan):
            elements.append(plan.schemaElement)
        case .structure(let group, let children):
            var element = Self.groupElement(group, children: children.count)
            element.numChildren = Int32(truncatingIfNeeded: children.count)
            elements.append(element)
            for child in children { child.appendSchemaElements(to: &elements) }
        case .list(let group, let element):
            var outer = Self.groupElement(group, children: 1)
            outer.convertedType = .list
            outer.logicalType = .list
            elements.append(outer)
            var repeated = ParquetSchemaElement(name: "list")
            repeated.repetition = .repeated
            repeated.numChildren = 1
            elements.append(repeated)
            element.appendSchemaElements(to: &elements)
        case .map(let group, let key, let value):
            var outer = Self.groupElement(group, children: 1)
            outer.convertedType = .map
            outer.logicalType = .map
            elements.append(outer)
            var repeated = ParquetSchemaElement(name: "key_value")
            repeated.repetition = .repeated
            repeated.numChildren = 2
            elements.append(repeated)
            key.appendSchemaElements(to: &elements)
            value.appendSchemaElements(to: &elements)
        }
    }

    private static func groupElement(_ group: Group, children: Int) -> ParquetSchemaElement {
        var element = ParquetSchemaElement(name: group.name)
        element.repetition = group.required ? .required : .optional
        element.numChildren = Int32(truncatingIfNeeded: children)
        return element
    }
}

import SluiceCore
import SluiceFormats

/// A top-level field of a Parquet file: its declared schema, how to assemble its values, and
/// its leaf columns. A field that is one non-repeated leaf is read on the flat path straight
/// into typed column storage.
struct ParquetFieldLayout: Sendable {
    let schema: FieldSchema
    let node: ParquetAssemblyNode
    /// The leaf columns of the field, in file order.
    let columns: [Int]
    /// The leaf column of a flat field (one non-repeated leaf), else `nil`.
    let flatColumn: Int?

    /// The layouts of the root's fields.
    static func fields(of root: ParquetSchemaNode, columns: [ParquetColumnDescriptor], file: String) throws -> [ParquetFieldLayout] {
        try root.children.map { child in
            let (type, nullable, node) = try interpret(child, asElement: false, columns: columns, file: file)
            let flat: Int? = if case .leaf(let column, _) = node, !child.isRepeated { column } else { nil }
            return ParquetFieldLayout(
                schema: FieldSchema(name: child.name, type: type, nullable: nullable), node: node, columns: node.columns, flatColumn: flat)
        }
    }

    /// The declared type, nullability and assembly of `node`. `asElement` reads a repeated
    /// node as one element of the list it forms (required), not as that list.
    private static func interpret(
        _ node: ParquetSchemaNode, asElement: Bool, columns: [ParquetColumnDescriptor], file: String
    ) throws -> (LogicalType, Bool, ParquetAssemblyNode) {
        if node.isRepeated, !asElement {
            // A repeated field outside a LIST or MAP: a required list of required elements.
            let (type, _, element) = try interpret(node, asElement: true, columns: columns, file: file)
            return (
                .list(element: FieldSchema(name: "element", type: type, nullable: false)), false,
                .list(element: element, nullLevel: nil, repeatedLevel: node.definitionLevel, repetition: node.repetitionLevel)
            )
        }
        let nullable = node.isOptional && !asElement
        let nullLevel = nullable ? node.definitionLevel : nil
        if let column = node.column {
            return (columns[column].logicalType, nullable, .leaf(column: column, nullLevel: nullLevel))
        }
        let logical = node.element.logicalType
        let converted = node.element.convertedType
        if logical == .list || (logical == nil && converted == .list), node.children.count == 1, node.children[0].isRepeated {
            let repeated = node.children[0]
            let elementType: LogicalType
            let elementNullable: Bool
            let element: ParquetAssemblyNode
            if repeated.column != nil || repeated.children.count > 1 || repeated.children.first?.isRepeated == true
                || repeated.name == "array" || repeated.name == node.name + "_tuple"
            {
                // Two-level lists: the repeated field is the element, required.
                (elementType, elementNullable, element) = try interpret(repeated, asElement: true, columns: columns, file: file)
            } else {
                (elementType, elementNullable, element) = try interpret(repeated.children[0], asElement: false, columns: columns, file: file)
            }
            return (
                .list(element: FieldSchema(name: "element", type: elementType, nullable: elementNullable)), nullable,
                .list(element: element, nullLevel: nullLevel, repeatedLevel: repeated.definitionLevel, repetition: repeated.repetitionLevel)
            )
        }
        let isMap = logical == .map || (logical == nil && (converted == .map || converted == .mapKeyValue))
        if isMap, node.children.count == 1, node.children[0].isRepeated, node.children[0].column == nil,
            (1...2).contains(node.children[0].children.count)
        {
            let pairs = node.children[0]
            let (keyType, _, key) = try interpret(pairs.children[0], asElement: false, columns: columns, file: file)
            let keySchema = FieldSchema(name: "key", type: keyType, nullable: false)
            guard pairs.children.count == 2 else {
                // Keys only (a set): a list of the keys.
                return (
                    .list(element: keySchema), nullable,
                    .list(element: key, nullLevel: nullLevel, repeatedLevel: pairs.definitionLevel, repetition: pairs.repetitionLevel)
                )
            }
            let (valueType, valueNullable, value) = try interpret(pairs.children[1], asElement: false, columns: columns, file: file)
            let textKeys: Bool = if case .string = keyType { true } else if case .enumeration = keyType { true } else { false }
            return (
                .map(key: keySchema, value: FieldSchema(name: "value", type: valueType, nullable: valueNullable)), nullable,
                .map(
                    key: key, value: value, textKeys: textKeys, nullLevel: nullLevel, repeatedLevel: pairs.definitionLevel,
                    repetition: pairs.repetitionLevel)
            )
        }
        // A plain group (or an annotation whose shape does not fit): a structure.
        var names: [String] = []
        var fields: [FieldSchema] = []
        var nodes: [ParquetAssemblyNode] = []
        for child in node.children {
            let (type, childNullable, assembly) = try interpret(child, asElement: false, columns: columns, file: file)
            names.append(child.name)
            fields.append(FieldSchema(name: child.name, type: type, nullable: childNullable))
            nodes.append(assembly)
        }
        return (.structure(fields: fields), nullable, .structure(names: names, fields: nodes, nullLevel: nullLevel))
    }
}

import SluiceCore
import SluiceFormats

/// A node of the schema tree that Parquet's footer stores flattened (depth first, each group
/// followed by its children), with the definition and repetition levels of values at it.
struct ParquetSchemaNode: Sendable {
    let element: ParquetSchemaElement
    var children: [ParquetSchemaNode] = []
    /// The definition level of a value defined at this node (its optional and repeated
    /// ancestors, itself included).
    let definitionLevel: Int
    /// The number of repeated nodes from the root down to this one, itself included.
    let repetitionLevel: Int
    /// The leaf's column index, for primitive nodes.
    var column: Int?

    var name: String { element.name }
    var isRepeated: Bool { element.repetition == .repeated }
    var isOptional: Bool { element.repetition == .optional }

    /// Rebuilds the tree from the flattened schema of a footer and lists its leaf columns in
    /// order. `file` names the file in messages.
    static func tree(_ elements: [ParquetSchemaElement], file: String) throws -> (root: ParquetSchemaNode, columns: [ParquetColumnDescriptor]) {
        guard let rootElement = elements.first else { throw FormatError("\(file): the footer's schema is empty") }
        var builder = Builder(elements: elements, file: file)
        var root = ParquetSchemaNode(element: rootElement, definitionLevel: 0, repetitionLevel: 0)
        builder.next = 1
        let count = try builder.childCount(of: rootElement, at: 0)
        for _ in 0..<count { root.children.append(try builder.node(parent: root, path: [], depth: 1)) }
        guard builder.next == elements.count else {
            throw FormatError("\(file): the footer's schema has \(elements.count) elements but its tree covers \(builder.next)")
        }
        return (root, builder.columns)
    }

    private struct Builder {
        let elements: [ParquetSchemaElement]
        let file: String
        var next = 0
        var columns: [ParquetColumnDescriptor] = []

        func childCount(of element: ParquetSchemaElement, at index: Int) throws -> Int {
            let declared = element.numChildren ?? 0
            guard declared >= 0, Int(declared) <= elements.count - index - 1 else {
                throw FormatError("\(file): schema element \(index) ('\(element.name)') declares \(declared) children, more than the schema holds")
            }
            return Int(declared)
        }

        mutating func node(parent: ParquetSchemaNode, path: [String], depth: Int) throws -> ParquetSchemaNode {
            guard depth <= ParquetReadLimits.maximumSchemaDepth else {
                throw FormatError("\(file): the schema nests more than \(ParquetReadLimits.maximumSchemaDepth) levels deep")
            }
            guard next < elements.count else { throw FormatError("\(file): the footer's schema ends inside a group") }
            let index = next
            let element = elements[index]
            next += 1
            guard let repetition = element.repetition, [.required, .optional, .repeated].contains(repetition) else {
                throw FormatError("\(file): schema element '\(element.name)' has no valid repetition")
            }
            let definition = parent.definitionLevel + (repetition == .required ? 0 : 1)
            let repetitionLevel = parent.repetitionLevel + (repetition == .repeated ? 1 : 0)
            var node = ParquetSchemaNode(element: element, definitionLevel: definition, repetitionLevel: repetitionLevel)
            let path = path + [element.name]
            let count = try childCount(of: element, at: index)
            if count == 0 {
                guard element.type != nil else { throw FormatError("\(file): group '\(path.joined(separator: "."))' has no fields") }
                let conversion: ParquetValueConversion
                let logical: LogicalType
                do {
                    (conversion, logical) = try ParquetValueConversion.of(element, path: path.joined(separator: "."))
                } catch let error as FormatError {
                    throw FormatError("\(file): \(error.message)")
                }
                node.column = columns.count
                columns.append(
                    ParquetColumnDescriptor(
                        path: path, physical: element.type ?? .int32, typeLength: Int(element.typeLength ?? 0),
                        maxDefinitionLevel: definition, maxRepetitionLevel: repetitionLevel, conversion: conversion, logicalType: logical))
            } else {
                for _ in 0..<count { node.children.append(try self.node(parent: node, path: path, depth: depth + 1)) }
            }
            return node
        }
    }

    /// The leaf columns under this node, in order.
    var columns: [Int] {
        if let column { return [column] }
        return children.flatMap(\.columns)
    }
}

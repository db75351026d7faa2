// The record shredding of Dremel (Melnik et al., "Dremel: Interactive Analysis of Web-Scale
// Datasets", 2010) as Parquet uses it, written from scratch for Sluice.

import SluiceCore
import SluiceFormats

/// Splits the values of one declared list, struct or map field into its columns: each column
/// gets the present values it holds and one definition and repetition level per entry.
///
/// Values follow Sluice's conventions: a list is an `.array`, a struct an `.object` (a missing
/// member is null; a member the struct does not declare throws), a map an `.object` with text
/// keys or an `.array` of `{"key": …, "value": …}` objects.
struct NestedShredder {
    let root: ParquetNode
    /// One per column, in schema order.
    private(set) var values: [ColumnChunkBuffer]
    private(set) var definition: [[UInt8]]
    private(set) var repetition: [[UInt8]]

    init(root: ParquetNode, capacity: Int) {
        self.root = root
        let leaves = root.leaves
        values = leaves.map { ColumnChunkBuffer(plan: $0, capacity: capacity) }
        definition = leaves.map { _ in
            var levels: [UInt8] = []
            levels.reserveCapacity(capacity)
            return levels
        }
        repetition = definition
    }

    /// The levels of column `index`.
    func levels(_ index: Int) -> ChunkLevels {
        let plan = values[index].plan
        return ChunkLevels(
            maxDefinition: plan.maxDefinitionLevel, maxRepetition: plan.maxRepetitionLevel, definition: definition[index],
            repetition: repetition[index], count: definition[index].count)
    }

    /// Shreds one record's value of the field (`.null` when null or absent).
    mutating func append(_ value: Value, position: Int) throws {
        _ = try shred(value, root, leaf: 0, definition: 0, repetition: 0, position: position)
    }

    /// Shreds `value` at `node`, whose first column is `leaf`, below ancestors that reached
    /// `definition`; every column's first entry gets `repetition`. Returns the next column.
    private mutating func shred(
        _ value: Value, _ node: ParquetNode, leaf: Int, definition: Int, repetition: Int, position: Int
    ) throws -> Int {
        switch node {
        case .leaf(let plan):
            if value.isNull {
                guard !plan.required else {
                    throw FormatError("Parquet: record \(position), field \"\(plan.displayName)\": null in a field declared not nullable")
                }
                append(leaf, definition: definition, repetition: repetition)
            } else {
                try values[leaf].appendValue(value, position: position)
                append(leaf, definition: plan.maxDefinitionLevel, repetition: repetition)
            }
            return leaf + 1

        case .structure(let group, let children):
            guard case .object(let object) = value else {
                return try nullOrMismatch(value, node, group, leaf: leaf, definition: definition, repetition: repetition, position: position)
            }
            var next = leaf
            for child in children {
                next = try shred(object[Self.name(child)] ?? .null, child, leaf: next, definition: group.definitionLevel, repetition: repetition, position: position)
            }
            if object.count > children.count || object.keys.contains(where: { key in !children.contains { Self.name($0) == key } }) {
                let extra = object.keys.first { key in !children.contains { Self.name($0) == key } } ?? ""
                throw FormatError(
                    "Parquet: record \(position), field \"\(group.path.joined(separator: "."))\" (\(group.typeName)): the member \"\(extra)\" is not declared")
            }
            return next

        case .list(let group, let element):
            guard case .array(let items) = value else {
                return try nullOrMismatch(value, node, group, leaf: leaf, definition: definition, repetition: repetition, position: position)
            }
            guard !items.isEmpty else {
                return appendEmpty(node, leaf: leaf, definition: group.definitionLevel, repetition: repetition)
            }
            var next = leaf
            for (i, item) in items.enumerated() {
                next = try shred(
                    item, element, leaf: leaf, definition: group.definitionLevel + 1,
                    repetition: i == 0 ? repetition : group.repetitionLevel, position: position)
            }
            return next

        case .map(let group, let keyNode, let valueNode):
            let pairs: [(Value, Value)]
            switch value {
            case .object(let object):
                pairs = object.pairs.map { (Value.string($0.0), $0.1) }
            case .array(let entries):
                pairs = try entries.map { entry in
                    guard case .object(let pair) = entry, let key = pair["key"] else {
                        throw FormatError(
                            "Parquet: record \(position), field \"\(group.path.joined(separator: "."))\" (\(group.typeName)): a map entry that is not a {\"key\", \"value\"} object does not fit")
                    }
                    return (key, pair["value"] ?? .null)
                }
            default:
                return try nullOrMismatch(value, node, group, leaf: leaf, definition: definition, repetition: repetition, position: position)
            }
            guard !pairs.isEmpty else {
                return appendEmpty(node, leaf: leaf, definition: group.definitionLevel, repetition: repetition)
            }
            var next = leaf
            for (i, (key, item)) in pairs.enumerated() {
                let level = i == 0 ? repetition : group.repetitionLevel
                let afterKey = try shred(key, keyNode, leaf: leaf, definition: group.definitionLevel + 1, repetition: level, position: position)
                next = try shred(item, valueNode, leaf: afterKey, definition: group.definitionLevel + 1, repetition: level, position: position)
            }
            return next
        }
    }

    /// A group's value that is not its kind: null (every column below gets a null entry) or
    /// an error.
    private mutating func nullOrMismatch(
        _ value: Value, _ node: ParquetNode, _ group: ParquetNode.Group, leaf: Int, definition: Int, repetition: Int, position: Int
    ) throws -> Int {
        let name = group.path.joined(separator: ".")
        guard value.isNull else {
            throw FormatError("Parquet: record \(position), field \"\(name)\" (\(group.typeName)): \(Self.article(value)) does not fit")
        }
        guard !group.required else {
            throw FormatError("Parquet: record \(position), field \"\(name)\": null in a field declared not nullable")
        }
        return appendEmpty(node, leaf: leaf, definition: definition, repetition: repetition)
    }

    /// One entry without a value in every column of `node`, at `definition`.
    private mutating func appendEmpty(_ node: ParquetNode, leaf: Int, definition: Int, repetition: Int) -> Int {
        let count = node.leafCount
        for column in leaf..<(leaf + count) { append(column, definition: definition, repetition: repetition) }
        return leaf + count
    }

    @inline(__always)
    private mutating func append(_ column: Int, definition: Int, repetition: Int) {
        self.definition[column].append(UInt8(truncatingIfNeeded: definition))
        self.repetition[column].append(UInt8(truncatingIfNeeded: repetition))
    }

    /// The member name a struct child is looked up by.
    private static func name(_ node: ParquetNode) -> String { node.fieldName }

    /// `a string`, `an integer`… for messages.
    static func article(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a floating-point number"
        case .string: return "a string"
        case .timestamp: return "a timestamp"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

import SluiceCore
import SluiceFormats

/// Puts the values of one nested top-level field back together from its leaf columns'
/// repetition and definition levels (Dremel record assembly), one row at a time.
///
/// Each node reads one instance of itself from the current entries of its leaves: a node that
/// is null, or a list that is empty, takes exactly one entry from each leaf below it; a list
/// takes elements while its first leaf's next entry repeats at the list's level. Levels that
/// disagree between leaves, or run out, are a `FormatError`.
final class ParquetRecordAssembler {
    private let node: ParquetAssemblyNode
    private let field: String
    /// Cursors by column index (only this field's columns are set).
    private let cursors: [Int: ParquetLeafCursor]
    private let columns: [Int]
    private let location: String
    /// Why the current row cannot be read, when a value in it could not be converted.
    private(set) var rowReasons: [String] = []

    init(node: ParquetAssemblyNode, field: String, cursors: [Int: ParquetLeafCursor], location: String) {
        self.node = node
        self.field = field
        self.cursors = cursors
        self.columns = node.columns
        self.location = location
    }

    private func failure(_ message: String) -> FormatError {
        FormatError("\(location), field '\(field)': \(message)")
    }

    private func cursor(_ column: Int) throws -> ParquetLeafCursor {
        guard let cursor = cursors[column] else { throw failure("column \(column) is not being read") }
        return cursor
    }

    /// The cursor of `column` with an entry at hand.
    private func entry(_ column: Int) throws -> ParquetLeafCursor {
        let cursor = try cursor(column)
        guard try cursor.hasEntry() else { throw failure("column '\(cursor.path)' ends before the row group's last row") }
        return cursor
    }

    /// Reads the next row's value of the field.
    func readRow() throws -> Value {
        rowReasons.removeAll()
        for column in columns {
            let cursor = try entry(column)
            guard cursor.repetition == 0 else {
                throw failure("column '\(cursor.path)' continues a row where a new row should start (repetition level \(cursor.repetition))")
            }
        }
        return try assemble(node)
    }

    /// Checks that every leaf is used up after the last row.
    func checkExhausted() throws {
        for column in columns where try cursor(column).hasEntry() {
            throw failure("column '\(try cursor(column).path)' holds more values than the row group has rows")
        }
    }

    private func assemble(_ node: ParquetAssemblyNode) throws -> Value {
        switch node {
        case .leaf(let column, let nullLevel):
            let cursor = try entry(column)
            let definition = cursor.definition
            if definition == cursor.maxDefinition {
                let (value, reason) = cursor.takeValue()
                if let reason { rowReasons.append(reason) }
                return value
            }
            guard let nullLevel, definition < nullLevel else {
                throw failure("column '\(cursor.path)' has definition level \(definition) where a value is required")
            }
            cursor.skipEntry()
            return .null

        case .structure(let names, let fields, let nullLevel):
            if let nullLevel, try entry(node.firstColumn).definition < nullLevel {
                try skipOne(node, below: nullLevel)
                return .null
            }
            var object = ValueObject()
            for (name, field) in zip(names, fields) { object.appendUnchecked(key: name, value: try assemble(field)) }
            return .object(object)

        case .list(let element, let nullLevel, let repeatedLevel, let repetition):
            let definition = try entry(node.firstColumn).definition
            if let nullLevel, definition < nullLevel {
                try skipOne(node, below: nullLevel)
                return .null
            }
            if definition < repeatedLevel {
                try skipOne(node, below: repeatedLevel)
                return .array([])
            }
            var items: [Value] = []
            repeat {
                items.append(try assemble(element))
            } while try continues(node, repetition: repetition)
            return .array(items)

        case .map(let key, let value, let textKeys, let nullLevel, let repeatedLevel, let repetition):
            let definition = try entry(node.firstColumn).definition
            if let nullLevel, definition < nullLevel {
                try skipOne(node, below: nullLevel)
                return .null
            }
            if definition < repeatedLevel {
                try skipOne(node, below: repeatedLevel)
                return textKeys ? .object(ValueObject()) : .array([])
            }
            var pairs: [(Value, Value)] = []
            repeat {
                let k = try assemble(key)
                let v = try value.map { try assemble($0) } ?? .null
                pairs.append((k, v))
            } while try continues(node, repetition: repetition)
            if textKeys, pairs.allSatisfy({ $0.0.stringValue != nil }) {
                var object = ValueObject()
                for (k, v) in pairs { object[k.stringValue ?? ""] = v }
                return .object(object)
            }
            return .array(pairs.map { .object(ValueObject([("key", $0.0), ("value", $0.1)])) })
        }
    }

    /// Whether the list or map `node` has another element: its first leaf's next entry
    /// repeats at the list's level (every leaf below must agree).
    private func continues(_ node: ParquetAssemblyNode, repetition: Int) throws -> Bool {
        let first = try cursor(node.firstColumn)
        guard try first.hasEntry() else { return false }
        let level = first.repetition
        if level < repetition { return false }
        guard level == repetition else {
            throw failure("column '\(first.path)' repeats at level \(level) after a complete element (expected \(repetition) or less)")
        }
        for column in node.columns {
            let other = try entry(column)
            guard other.repetition == repetition else {
                throw failure("the levels of columns '\(first.path)' and '\(other.path)' disagree")
            }
        }
        return true
    }

    /// Takes the one entry each leaf below `node` holds for a node that is null or empty
    /// (definition level below `level`).
    private func skipOne(_ node: ParquetAssemblyNode, below level: Int) throws {
        for column in node.columns {
            let cursor = try entry(column)
            guard cursor.definition < level else {
                throw failure("the definition levels of column '\(cursor.path)' disagree with the field's other columns")
            }
            cursor.skipEntry()
        }
    }
}

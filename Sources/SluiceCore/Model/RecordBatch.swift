/// A batch of records in columnar form: the unit of work, parallelism and backpressure.
///
/// The batch carries its field names once; fields are addressed by index. `positions`
/// records where each row came from in its source (line number for line formats, record
/// number otherwise), so any stage can send a row to the dead-letter queue with its place.
public struct RecordBatch: Sendable {
    /// Field names, parallel to ``columns``.
    public private(set) var fields: [String]
    /// One column per field, each with ``count`` rows.
    public private(set) var columns: [Column]
    /// The source position of each row.
    public private(set) var positions: [Int]

    /// A batch from parallel fields and columns; every column must have `positions.count` rows.
    public init(fields: [String], columns: [Column], positions: [Int]) {
        precondition(fields.count == columns.count, "one column per field")
        self.fields = fields
        self.columns = columns
        self.positions = positions
    }

    /// An empty batch with no fields.
    public static let empty = RecordBatch(fields: [], columns: [], positions: [])

    /// The number of rows.
    @inlinable public var count: Int { positions.count }

    /// Whether the batch has no rows.
    @inlinable public var isEmpty: Bool { positions.isEmpty }

    /// Moves every row's source position on by `offset` (the rows of a later page or part of
    /// a source that numbers its parts from 1 each).
    public mutating func shiftPositions(by offset: Int) {
        guard offset != 0 else { return }
        for index in positions.indices { positions[index] &+= offset }
    }

    /// The index of the field called `name`.
    public func index(of name: String) -> Int? { fields.firstIndex(of: name) }

    /// The column of the field called `name`.
    public func column(named name: String) -> Column? { index(of: name).map { columns[$0] } }

    /// The value at `row` of field `column` (`.null` when null or absent).
    @inlinable public func value(row: Int, column: Int) -> Value { columns[column].value(at: row) }

    /// Row `row` as an object, in field order, leaving out fields the record did not have.
    public func record(at row: Int) -> ValueObject {
        var object = ValueObject()
        for (field, column) in zip(fields, columns) {
            switch column.presence(at: row) {
            case .absent: continue
            case .null: object.appendUnchecked(key: field, value: .null)
            case .present: object.appendUnchecked(key: field, value: column.value(at: row))
            }
        }
        return object
    }

    /// All rows as objects.
    public var records: [ValueObject] { (0..<count).map(record(at:)) }

    /// The rows at `rows`, in that order.
    public func selecting(_ rows: [Int]) -> RecordBatch {
        if rows.count == count, rows.elementsEqual(0..<count) { return self }
        return RecordBatch(fields: fields, columns: columns.map { $0.gathering(rows) }, positions: gatherElements(positions, rows))
    }

    /// Whether a column holds dictionary-encoded text (see ``DictionaryText``).
    public var hasDictionaryText: Bool { columns.contains { $0.isDictionaryText } }

    /// The batch with every dictionary-encoded text column turned into plain text, for
    /// steps that read only plain storage; the batch itself when it has none.
    public func flatteningDictionaries() -> RecordBatch {
        guard hasDictionaryText else { return self }
        var batch = self
        batch.columns = columns.map { $0.flatteningDictionary() }
        return batch
    }

    /// Adds or replaces the field `name`.
    public mutating func setColumn(_ column: Column, named name: String) {
        precondition(column.count == count, "column must have one value per row")
        if let i = index(of: name) {
            columns[i] = column
        } else {
            fields.append(name)
            columns.append(column)
        }
    }

    /// Removes the field `name` if present.
    public mutating func removeColumn(named name: String) {
        guard let i = index(of: name) else { return }
        fields.remove(at: i)
        columns.remove(at: i)
    }

    /// A batch built from records; its fields are the union of their keys in first-seen order,
    /// and a record without a key gets an absent row there.
    public init(records: [ValueObject], positions: [Int]? = nil) {
        var fieldIndex: [String: Int] = [:]
        var fields: [String] = []
        for record in records {
            for key in record.keys where fieldIndex[key] == nil {
                fieldIndex[key] = fields.count
                fields.append(key)
            }
        }
        var builders = Array(repeating: ColumnBuilder(capacity: records.count), count: fields.count)
        for record in records {
            var seen = Array(repeating: false, count: fields.count)
            for (key, value) in record.pairs {
                guard let i = fieldIndex[key] else { continue }
                builders[i].append(value)
                seen[i] = true
            }
            for i in 0..<fields.count where !seen[i] { builders[i].appendAbsent() }
        }
        self.init(fields: fields, columns: builders.map { $0.build() }, positions: positions ?? Array(1..<(records.count + 1)))
    }

    /// The rows of all `batches` in order (fields are unioned; missing ones become absent).
    public static func concatenate(_ batches: [RecordBatch]) -> RecordBatch {
        guard batches.count > 1 else { return batches.first ?? .empty }
        var fields: [String] = []
        var fieldIndex: [String: Int] = [:]
        for batch in batches {
            for field in batch.fields where fieldIndex[field] == nil {
                fieldIndex[field] = fields.count
                fields.append(field)
            }
        }
        let total = batches.reduce(0) { $0 + $1.count }
        var builders = Array(repeating: ColumnBuilder(capacity: total), count: fields.count)
        var positions: [Int] = []
        positions.reserveCapacity(total)
        for batch in batches {
            positions.append(contentsOf: batch.positions)
            for (f, name) in fields.enumerated() {
                if let c = batch.index(of: name) {
                    let column = batch.columns[c]
                    for row in 0..<batch.count { builders[f].append(from: column, row: row) }
                } else {
                    for _ in 0..<batch.count { builders[f].appendAbsent() }
                }
            }
        }
        return RecordBatch(fields: fields, columns: builders.map { $0.build() }, positions: positions)
    }
}

extension RecordBatch {
    /// About how many bytes the batch's storage takes (for memory limits, not exact).
    public var estimatedBytes: Int {
        var total = positions.count * 8
        for column in columns {
            if column.presence != nil { total += column.count }
            switch column.storage {
            case .ints(let a): total += a.count * 8
            case .doubles(let a): total += a.count * 8
            case .bools(let a): total += a.count
            case .text(let t): total += t.bytes.count + t.offsets.count * 4
            case .dictionary(let d): total += d.codes.count * 4 + d.dictionary.bytes.count + d.dictionary.offsets.count * 4
            case .values(let a): total += a.count * 40
            }
        }
        return total
    }
}

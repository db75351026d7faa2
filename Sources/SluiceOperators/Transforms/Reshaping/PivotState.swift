import SluiceCore

/// The per-run state of a ``Pivot``: the index rows and column values seen (each numbered in
/// first-seen order) and one accumulator per (index row, column) pair that has records.
public struct PivotState: Sendable {
    /// Numbers index combinations.
    private var rows: GroupIndex
    /// Numbers the pivot field's distinct values.
    private var columnKeys: GroupIndex
    /// For each distinct pivot value, its output column (`-1` for null: no column).
    private var columnOfKey: [Int32] = []
    /// The output columns' names, in first-seen order.
    private var names: [String] = []
    private var columnOfName: [String: Int32] = [:]
    /// (row, column) packed → cell.
    private var cellOf: [UInt64: Int32] = [:]
    private var cellRows: [Int32] = []
    private var cellColumns: [Int32] = []
    private var cells: PivotCells
    /// Whether any record arrived (with no index fields there is one row, but only then).
    private var sawRecords = false

    init(indexFields: Int, function: PivotFunction) {
        rows = GroupIndex(fieldCount: indexFields)
        columnKeys = GroupIndex(fieldCount: 1)
        cells = PivotCells(function)
    }

    /// Adds `count` records given by their index columns, pivot column and value column
    /// (`nil`: the batch lacks that field; for `value`, that records are counted).
    mutating func add(index: [Column?], column: Column?, value: Column?, count: Int) {
        sawRecords = true
        let rowIds = rows.assign(index, count: count)
        let keyIds = columnKeys.assign([column], count: count)
        for key in columnOfKey.count..<columnKeys.count {
            let pivotValue = columnKeys.value(of: key, field: 0)
            guard !pivotValue.isNull else {
                columnOfKey.append(-1)
                continue
            }
            let name = pivotValue.plainText
            if let existing = columnOfName[name] {
                columnOfKey.append(existing)
            } else {
                let new = Int32(names.count)
                names.append(name)
                columnOfName[name] = new
                columnOfKey.append(new)
            }
        }
        for row in 0..<count {
            let output = columnOfKey[Int(keyIds[row])]
            guard output >= 0 else { continue }
            let packed = UInt64(UInt32(bitPattern: rowIds[row])) << 32 | UInt64(UInt32(bitPattern: output))
            let cell: Int
            if let existing = cellOf[packed] {
                cell = Int(existing)
            } else {
                cell = cellRows.count
                cellOf[packed] = Int32(cell)
                cellRows.append(rowIds[row])
                cellColumns.append(output)
                cells.grow(to: cell + 1)
            }
            cells.add(value, row: row, to: cell)
        }
    }

    /// One record per index row: the index fields, then the columns sorted by name; a created
    /// field clashing with an index field gets `suffix` until unused.
    func records(indexFields: [String], suffix: String) -> RecordBatch {
        guard sawRecords else { return .empty }
        let rowCount = rows.count
        // Output columns in name order (bytes), as DuckDB orders them.
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var place = [Int](repeating: 0, count: names.count)
        for (p, column) in order.enumerated() { place[column] = p }
        // The cell of each (row, placed column), or -1.
        var grid = [Int32](repeating: -1, count: rowCount * names.count)
        for cell in cellRows.indices {
            grid[Int(cellRows[cell]) * names.count + place[Int(cellColumns[cell])]] = Int32(cell)
        }
        var taken = Set(indexFields)
        var fields = indexFields
        for column in order {
            var name = names[column]
            while taken.contains(name) { name += suffix }
            taken.insert(name)
            fields.append(name)
        }
        var columns: [Column] = []
        for field in indexFields.indices {
            var builder = ColumnBuilder(capacity: rowCount)
            for row in 0..<rowCount { builder.append(rows.value(of: row, field: field)) }
            columns.append(builder.build())
        }
        for p in order.indices {
            var builder = ColumnBuilder(capacity: rowCount)
            for row in 0..<rowCount {
                let cell = grid[row * names.count + p]
                builder.append(cell >= 0 ? cells.value(Int(cell)) : cells.emptyValue)
            }
            columns.append(builder.build())
        }
        return RecordBatch(fields: fields, columns: columns, positions: Array(1..<(rowCount + 1)))
    }

    /// About how many bytes the tables and accumulators take.
    var estimatedBytes: Int {
        rows.estimatedBytes + columnKeys.estimatedBytes + cellOf.capacity * 24 + cellRows.capacity * 8 + cells.estimatedBytes
            + names.reduce(0) { $0 + $1.utf8.count + 32 }
    }
}

extension PivotCells {
    /// What a cell without records shows: 0 for `count` and `countNonNull`, null otherwise.
    var emptyValue: Value { function == .count || function == .countNonNull ? .int(0) : .null }
}

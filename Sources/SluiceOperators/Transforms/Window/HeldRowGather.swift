import SluiceCore

/// Rows of a list of held batches, picked by their number in arrival order (row 0 is the
/// first batch's first row), gathered into batches of any size.
///
/// A sort or window that spills writes its held rows to disk in output order a slice at a
/// time with this, so the sorted copy of everything held never exists at once: only the
/// sort's row order and one slice do.
struct HeldRowGather {
    let held: [RecordBatch]
    /// The output fields, in order.
    let fields: [String]
    /// The arrival number of each batch's first row, and the total at the end.
    private let starts: [Int]
    /// For each field, its column index in each batch (`nil` where a batch lacks it).
    private let columnIndex: [[Int?]]

    init(held: [RecordBatch], fields: [String]) {
        self.held = held
        self.fields = fields
        var starts = [0]
        for batch in held { starts.append(starts[starts.count - 1] + batch.count) }
        self.starts = starts
        columnIndex = fields.map { field in held.map { $0.index(of: field) } }
    }

    /// The batch holding arrival row `row`, and the row's place in it.
    private func locate(_ row: Int) -> (batch: Int, row: Int) {
        var low = 0
        var high = held.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= row { low = middle } else { high = middle - 1 }
        }
        return (low, row - starts[low])
    }

    /// The rows `rows` (arrival numbers), in that order.
    func batch(_ rows: ArraySlice<UInt32>) -> RecordBatch {
        let places = rows.map { locate(Int($0)) }
        var columns: [Column] = []
        columns.reserveCapacity(fields.count)
        for f in fields.indices {
            var builder = ColumnBuilder(capacity: places.count)
            let indices = columnIndex[f]
            for (b, r) in places {
                if let c = indices[b] {
                    builder.append(from: held[b].columns[c], row: r)
                } else {
                    builder.appendAbsent()
                }
            }
            columns.append(builder.build())
        }
        return RecordBatch(fields: fields, columns: columns, positions: places.map { held[$0.batch].positions[$0.row] })
    }

    /// Writes the rows `places` (arrival numbers, in output order) to a new spill file.
    func write(_ places: [UInt32], to space: SpillSpace, sliceRows: Int = 16_384) throws -> SpillRun {
        var writer = try SpillWriter(space: space)
        var start = 0
        while start < places.count {
            let end = min(places.count, start + sliceRows)
            try writer.append(batch(places[start..<end]))
            start = end
        }
        return try writer.finish()
    }
}

import SluiceCore

/// The output of a spilled ``Dedupe``: the merged partitions' rows with the hidden columns
/// dropped and the fields given back their names, laid out as the in-memory run lays them.
///
/// - With `fields` (`keep: "last"`), every batch has those fields, as the in-memory run's one
///   output batch has.
/// - Without (`keep: "first"`), each row keeps the fields of the input batch it came from, in
///   that batch's order, as the in-memory run emits `batch.selecting(rows)`: a merged batch
///   is cut where that field list changes.
final class DedupeSpillStream: BatchStream {
    private let merged: MergedStream
    private let fieldNames: [String]
    private let layouts: [[Int]]
    private let batchLayouts: [Int32]
    private let fields: [Int]?
    /// Batches cut from the last merged batch and not handed out yet, in reverse order.
    private var pending: [RecordBatch] = []

    init(_ merged: MergedStream, fieldNames: [String], layouts: [[Int]], batchLayouts: [Int32], fields: [Int]?) {
        self.merged = merged
        self.fieldNames = fieldNames
        self.layouts = layouts
        self.batchLayouts = batchLayouts
        self.fields = fields
    }

    func next() throws -> RecordBatch? {
        if let batch = pending.popLast() { return batch }
        guard let batch = try merged.next() else { return nil }
        if let fields { return project(batch, fields) }
        guard case .ints(let numbers)? = batch.column(named: DedupeSpill.batchField)?.storage,
            numbers.allSatisfy({ batchLayouts.indices.contains($0) })
        else { throw DedupeSpillError.damaged }
        var start = 0
        while start < batch.count {
            let layout = batchLayouts[numbers[start]]
            var end = start + 1
            while end < batch.count, batchLayouts[numbers[end]] == layout { end += 1 }
            pending.append(project(batch, layouts[Int(layout)], rows: start..<end))
            start = end
        }
        pending.reverse()
        return pending.popLast()
    }

    /// Rows `rows` (all when `nil`) of `batch` with the fields numbered `layout`, named and in
    /// that order; a field the merged rows lack is absent.
    private func project(_ batch: RecordBatch, _ layout: [Int], rows: Range<Int>? = nil) -> RecordBatch {
        let columns = layout.map { batch.column(named: DedupeSpill.internalName($0)) ?? Column.absent(count: batch.count) }
        let projected = RecordBatch(fields: layout.map { fieldNames[$0] }, columns: columns, positions: batch.positions)
        guard let rows, rows.count < batch.count else { return projected }
        return projected.selecting(Array(rows))
    }
}

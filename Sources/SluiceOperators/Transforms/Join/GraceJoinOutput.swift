import SluiceCore

/// The output of a ``GraceJoin``: its partitions merged back into input order, cut into one
/// batch per input batch with the fields the in-memory join would give that batch (its own
/// fields, then the added ones), and without the hidden sequence column.
///
/// The merged batches are cut where the rows of one input batch end; the pieces of an input
/// batch that straddles two merged batches are put together before they are handed out.
final class GraceJoinOutput: BatchStream {
    private let merged: any BatchStream
    /// Per input batch: the place of its first record, and its output fields' index.
    private let batchStarts: [Int]
    private let batchLayouts: [Int32]
    /// Per distinct input field list, the output fields.
    private let outputFields: [[String]]
    private let sequenceField: String
    /// The input batch of the last row seen (rows come in input order).
    private var current = 0
    /// The pieces of the input batch ``pendingBatch`` seen so far.
    private var pending: [RecordBatch] = []
    private var pendingBatch = -1
    /// Output batches ready to hand out, in order.
    private var ready: [RecordBatch] = []
    private var ended = false

    init(_ merged: any BatchStream, batchStarts: [Int], batchLayouts: [Int32], outputFields: [[String]], sequenceField: String) {
        self.merged = merged
        self.batchStarts = batchStarts
        self.batchLayouts = batchLayouts
        self.outputFields = outputFields
        self.sequenceField = sequenceField
    }

    func next() throws -> RecordBatch? {
        while ready.isEmpty, !ended {
            if let batch = try merged.next() {
                try cut(batch)
            } else {
                ended = true
                release()
            }
        }
        return ready.isEmpty ? nil : ready.removeFirst()
    }

    /// Splits a merged batch where its rows change input batch.
    private func cut(_ batch: RecordBatch) throws {
        guard !batch.isEmpty else { return }
        guard let sequences = batch.column(named: sequenceField) else { throw GraceJoinError.damaged }
        let columnIndex = Dictionary(batch.fields.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var start = 0
        var source = inputBatch(of: GraceJoin.sequence(sequences, 0))
        for row in 1..<batch.count {
            let next = inputBatch(of: GraceJoin.sequence(sequences, row))
            if next != source {
                take(batch, rows: start..<row, of: source, columnIndex: columnIndex)
                start = row
                source = next
            }
        }
        take(batch, rows: start..<batch.count, of: source, columnIndex: columnIndex)
    }

    /// The input batch that holds the record at place `sequence`.
    private func inputBatch(of sequence: Int) -> Int {
        while current + 1 < batchStarts.count, batchStarts[current + 1] <= sequence { current += 1 }
        return current
    }

    /// Rows `rows` of `batch`, all from input batch `source`, with that batch's output fields.
    private func take(_ batch: RecordBatch, rows: Range<Int>, of source: Int, columnIndex: [String: Int]) {
        guard !rows.isEmpty, source < batchLayouts.count else { return }
        let fields = outputFields[Int(batchLayouts[source])]
        let whole = rows.count == batch.count
        let selected = whole ? [] : Array(rows)
        let columns = fields.map { field -> Column in
            guard let index = columnIndex[field] else { return Column.absent(count: rows.count) }
            return whole ? batch.columns[index] : batch.columns[index].gathering(selected)
        }
        let piece = RecordBatch(fields: fields, columns: columns, positions: whole ? batch.positions : Array(batch.positions[rows]))
        if source != pendingBatch {
            release()
            pendingBatch = source
        }
        pending.append(piece)
    }

    /// Hands out the pieces of the pending input batch as one batch.
    private func release() {
        guard !pending.isEmpty else { return }
        ready.append(pending.count == 1 ? pending[0] : BatchConcatenation.concatenate(pending))
        pending = []
    }
}

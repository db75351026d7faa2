/// Merges streams that are each sorted into one sorted stream (the last phase of an external
/// sort, and the way spilled partitions are put back in input order).
///
/// `less` compares row `a` of one batch with row `b` of another; rows it calls equal come out
/// in stream order, so merging consecutive runs of a stable sort keeps the sort stable.
/// Output batches hold up to `batchRows` rows; each input holds one batch in memory at a time.
public final class MergedStream: BatchStream {
    /// Whether row `a` of the first batch sorts before row `b` of the second.
    public typealias Less = (RecordBatch, Int, RecordBatch, Int) -> Bool
    /// Whether row `a` sorts before row `b`, given each batch's key columns (in the order of
    /// the `keys` passed to ``init(_:batchRows:keys:less:)``, `nil` where a batch lacks one).
    public typealias KeyedLess = ([Column?], Int, [Column?], Int) -> Bool

    private struct Cursor {
        var batch: RecordBatch
        var row: Int
        /// The key columns of `batch`, looked up once per batch.
        var keys: [Column?]
    }

    private let inputs: [any BatchStream]
    private let less: (Cursor, Cursor) -> Bool
    private let keyFields: [String]
    /// The output's fields, in order (others a batch brings come after them).
    private let fields: [String]
    private let batchRows: Int
    private var cursors: [Cursor?]
    /// Indices of inputs with rows left, as a binary min-heap.
    private var heap: [Int] = []
    private var started = false

    /// Merges `inputs`, each sorted by `less`.
    public init(_ inputs: [any BatchStream], fields: [String] = [], batchRows: Int = 16_384, less: @escaping Less) {
        self.inputs = inputs
        self.fields = fields
        self.less = { a, b in less(a.batch, a.row, b.batch, b.row) }
        keyFields = []
        self.batchRows = max(1, batchRows)
        cursors = Array(repeating: nil, count: inputs.count)
    }

    /// Merges `inputs`, each sorted by `less` over the columns named `keys`. Every output
    /// batch has `fields` first, in that order, absent where an input lacks one (so a field
    /// that only some inputs have does not move around from batch to batch).
    public init(_ inputs: [any BatchStream], fields: [String] = [], batchRows: Int = 16_384, keys: [String], less: @escaping KeyedLess) {
        self.inputs = inputs
        self.fields = fields
        self.less = { a, b in less(a.keys, a.row, b.keys, b.row) }
        keyFields = keys
        self.batchRows = max(1, batchRows)
        cursors = Array(repeating: nil, count: inputs.count)
    }

    public func next() throws -> RecordBatch? {
        if !started {
            started = true
            for i in inputs.indices where try advanceBatch(i) { push(i) }
        }
        guard !heap.isEmpty else { return nil }
        // Rows taken, as (batch, row); a batch's rows are mostly taken in runs.
        var taken: [(batch: Int, row: Int)] = []
        var batches: [RecordBatch] = []
        var batchOfInput = [Int](repeating: -1, count: inputs.count)
        taken.reserveCapacity(batchRows)
        while taken.count < batchRows, let top = heap.first, let cursor = cursors[top] {
            if batchOfInput[top] < 0 {
                batchOfInput[top] = batches.count
                batches.append(cursor.batch)
            }
            taken.append((batchOfInput[top], cursor.row))
            if cursor.row + 1 < cursor.batch.count {
                cursors[top]?.row += 1
                siftDown(0)
            } else {
                batchOfInput[top] = -1
                if try advanceBatch(top) {
                    siftDown(0)
                } else {
                    popTop()
                }
            }
        }
        return Self.gather(taken, from: batches, fields: fields)
    }

    /// Loads input `i`'s next non-empty batch; false when it has ended.
    private func advanceBatch(_ i: Int) throws -> Bool {
        while let batch = try inputs[i].next() {
            if !batch.isEmpty {
                cursors[i] = Cursor(batch: batch, row: 0, keys: keyFields.map { batch.column(named: $0) })
                return true
            }
        }
        cursors[i] = nil
        return false
    }

    private func before(_ x: Int, _ y: Int) -> Bool {
        guard let a = cursors[x], let b = cursors[y] else { return cursors[x] != nil }
        if less(a, b) { return true }
        if less(b, a) { return false }
        return x < y
    }

    private func push(_ i: Int) {
        heap.append(i)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var best = left
            if left + 1 < heap.count, before(heap[left + 1], heap[left]) { best = left + 1 }
            guard before(heap[best], heap[parent]) else { return }
            heap.swapAt(best, parent)
            parent = best
        }
    }

    /// The rows `taken`, in that order, as one batch (fields unioned in first-seen order).
    static func gather(_ taken: [(batch: Int, row: Int)], from batches: [RecordBatch], fields first: [String]) -> RecordBatch {
        if batches.count == 1, batches[0].fields == first || first.isEmpty { return batches[0].selecting(taken.map(\.row)) }
        var fields: [String] = []
        var fieldIndex: [String: Int] = [:]
        for field in first where fieldIndex[field] == nil {
            fieldIndex[field] = fields.count
            fields.append(field)
        }
        for batch in batches {
            for field in batch.fields where fieldIndex[field] == nil {
                fieldIndex[field] = fields.count
                fields.append(field)
            }
        }
        // Column `f` of batch `b`, or nil when the batch lacks the field.
        let sourceColumns: [[Int?]] = batches.map { batch in fields.map { batch.index(of: $0) } }
        var columns: [Column] = []
        columns.reserveCapacity(fields.count)
        for f in fields.indices {
            var builder = ColumnBuilder(capacity: taken.count)
            for (b, row) in taken {
                if let c = sourceColumns[b][f] {
                    builder.append(from: batches[b].columns[c], row: row)
                } else {
                    builder.appendAbsent()
                }
            }
            columns.append(builder.build())
        }
        return RecordBatch(fields: fields, columns: columns, positions: taken.map { batches[$0.batch].positions[$0.row] })
    }
}

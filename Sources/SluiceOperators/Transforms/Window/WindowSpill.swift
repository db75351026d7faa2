import SluiceCore

/// Spilling for ``Window``: partition, then sort, then stream partition by partition.
///
/// The partition table stays in memory (one entry per distinct partition key, numbered in
/// first-seen order, as the in-memory path numbers them). A spill sorts the held rows by
/// partition number, then by the order keys (stable), and writes them to disk as one sorted
/// run with each row's partition number in an extra column. At the end the runs and what is
/// still held are merged on the same keys, which gives every row in output order; whole
/// partitions are then cut off the merged rows a chunk at a time and each chunk is finished
/// by the in-memory path. So the output, its order and its values are what the in-memory
/// window gives. One partition must fit in memory on its own.
extension Window {
    /// The column that carries each spilled row's partition number.
    static let partitionColumn = "\u{0}window.partition"

    /// A window spills.
    public var spills: Bool { true }

    /// Sorts what is held by partition and order keys and writes it to disk as one run, a
    /// slice at a time.
    public func spill(_ state: inout WindowState, to space: SpillSpace) throws {
        guard state.rowCount > 0 else { return }
        var numbered = state
        var start = 0
        for (i, batch) in numbered.held.enumerated() {
            let ids = numbered.partitionIds[start..<start + batch.count].map { Int($0) }
            start += batch.count
            var batch = batch
            batch.setColumn(Column(storage: .ints(ids)), named: Self.partitionColumn)
            numbered.held[i] = batch
        }
        state.release()
        let places = RowScatter(destination: order(numbered).destination).sources
        let gather = HeldRowGather(held: numbered.held, fields: BatchConcatenation.fields(of: numbered.held))
        numbered.release()
        state.runs.append(try gather.write(places, to: space))
    }

    /// The output a batch at a time: ``finish(_:)``'s batch when nothing was spilled,
    /// otherwise every run (what is still held becomes the last) merged, and finished a chunk
    /// of whole partitions at a time.
    public func finish(_ state: WindowState, space: SpillSpace) throws -> any BatchStream {
        guard !state.runs.isEmpty else { return ArrayBatchStream([try finish(state)]) }
        var state = state
        try spill(&state, to: space)
        let comparator = RowComparator([WindowOrder(field: Self.partitionColumn, descending: false, nullsFirst: false)] + orderBy)
        let merged = MergedStream(
            state.runs.map { $0.stream() }, fields: Sort.firstSeen(state.runs.flatMap(\.fields)), keys: comparator.fields,
            less: comparator.less)
        return WindowChunks(window: self, merged: merged)
    }

    /// Finishes `rows` (whole partitions, in output order, with their partition numbers) by
    /// the in-memory path.
    func finishChunk(_ rows: RecordBatch) throws -> RecordBatch {
        guard let column = rows.column(named: Self.partitionColumn), case .ints(let numbers) = column.storage else { return .empty }
        // Renumber densely from 0, keeping the order.
        var ids: [Int32] = []
        ids.reserveCapacity(numbers.count)
        var next: Int32 = -1
        var last = Int.min
        for number in numbers {
            if number != last {
                next += 1
                last = number
            }
            ids.append(next)
        }
        var state = makeState()
        var batch = rows
        batch.removeColumn(named: Self.partitionColumn)
        state.hold(batch, partitions: ids)
        state.partitionCount = Int(next) + 1
        return try finish(state)
    }
}

/// Cuts merged rows into chunks of whole partitions and finishes each.
final class WindowChunks: BatchStream {
    let window: Window
    let merged: MergedStream
    /// Rows of the partition that may continue in the next merged batch.
    var carried: [RecordBatch] = []
    var ended = false
    static let chunkRows = 65_536

    init(window: Window, merged: MergedStream) {
        self.window = window
        self.merged = merged
    }

    func next() throws -> RecordBatch? {
        while !ended {
            guard let batch = try merged.next() else {
                ended = true
                break
            }
            carried.append(batch)
            guard carried.reduce(0, { $0 + $1.count }) >= Self.chunkRows else { continue }
            // Rows of the last partition seen may go on in the next batch: keep them back.
            guard let last = Self.partitionNumbers(batch).last else { continue }
            var ready: [RecordBatch] = []
            var kept: [RecordBatch] = []
            for part in carried {
                let numbers = Self.partitionNumbers(part)
                let cut = numbers.firstIndex(of: last) ?? numbers.count
                if cut > 0 { ready.append(part.selecting(Array(0..<cut))) }
                if cut < numbers.count { kept.append(part.selecting(Array(cut..<numbers.count))) }
            }
            carried = kept
            if !ready.isEmpty { return try window.finishChunk(BatchConcatenation.concatenate(ready)) }
        }
        guard !carried.isEmpty else { return nil }
        let rest = BatchConcatenation.concatenate(carried)
        carried = []
        return try window.finishChunk(rest)
    }

    static func partitionNumbers(_ batch: RecordBatch) -> [Int] {
        guard let column = batch.column(named: Window.partitionColumn), case .ints(let numbers) = column.storage else { return [] }
        return numbers
    }
}

import SluiceCore

/// Finishes a spilled ``Dedupe``: deduplicates each key partition of the ``DedupeSpill`` on
/// its own, writes each partition's kept rows (in output order) to a file of their own, and
/// merges those files back into the in-memory run's order.
///
/// - `keep: "first"`: a partition's rows are read in input order after the markers of the
///   keys emitted before the spill; a row is kept when its key is new and it is not a marker.
///   Kept rows are ordered by their input place, so merging by it gives input order.
/// - `keep: "last"`: each partition runs a fresh in-memory ``DedupeState`` over its rows (the
///   held rows written at the spill first, each numbered by its key's first-seen place), and
///   keeps each key's latest row numbered by the key's first place, so merging by it gives
///   first-seen order.
///
/// Memory: one partition's key table (and with `last` its distinct rows) at a time while the
/// partitions are read, then one frame per partition while they are merged.
struct DedupeSpillReader {
    let keep: Dedupe.Keep
    let spill: DedupeSpill

    /// Rows per frame of the kept-row files: what each partition holds in memory while merging.
    static let mergeFrameRows = 4096

    /// The output, a batch at a time. The spill file is released once every partition is read.
    func stream(space: SpillSpace) throws -> any BatchStream {
        let contents = try spill.finishWriting()
        var kept: [SpillRun] = []
        var history = BatchHistory(batches: contents.batchRows.count)
        for frames in contents.partitionFrames where !frames.isEmpty {
            var writer = try SpillWriter(space: space)
            switch keep {
            case .first: try keepFirst(contents, frames: frames, into: &writer)
            case .last: try keepLast(contents, frames: frames, into: &writer, history: &history)
            }
            kept.append(try writer.finish())
        }
        let fields = keep == .last ? outputFields(contents, history: history) : nil
        let merged = MergedStream(kept.map { $0.stream() }, keys: [DedupeSpill.sequenceField]) { a, i, b, j in
            Self.sequence(a[0], i) < Self.sequence(b[0], j)
        }
        return DedupeSpillStream(
            merged, fieldNames: contents.fieldNames, layouts: contents.layouts, batchLayouts: contents.batchLayouts,
            fields: fields)
    }

    /// `keep: "first"`: writes the partition's rows whose key is new, skipping markers.
    private func keepFirst(_ contents: DedupeSpillContents, frames: [Int], into writer: inout SpillWriter) throws {
        var index = GroupIndex(fieldCount: contents.keyNames.count, storesKeys: false)
        for frame in frames {
            let batch = try contents.run.batch(frame)
            let sequences = try Self.ints(batch, DedupeSpill.sequenceField)
            let before = index.count
            let keys = index.assign(contents.keyNames.map { $0.flatMap(batch.column(named:)) }, count: batch.count)
            // As in consume: a row brings a new key exactly when its number is the next one.
            var next = Int32(truncatingIfNeeded: before)
            var rows: [Int] = []
            for (row, key) in keys.enumerated() where key == next {
                next += 1
                if sequences[row] >= 0 { rows.append(row) }
            }
            if !rows.isEmpty { try writer.append(batch.selecting(rows), frameRows: Self.mergeFrameRows) }
        }
    }

    /// `keep: "last"`: writes each of the partition's keys' latest row, numbered by the key's
    /// first place and in that order, noting in `history` what the in-memory state needs
    /// to know to tell which fields its output would have.
    private func keepLast(
        _ contents: DedupeSpillContents, frames: [Int], into writer: inout SpillWriter, history: inout BatchHistory
    ) throws {
        var state = DedupeState(keyFields: contents.keyNames.count)
        // Per key of the partition: its first place, and the batch of its latest row.
        var firstPlace: [Int] = []
        var latestBatch: [Int] = []
        for frame in frames {
            let batch = try contents.run.batch(frame)
            let sequences = try Self.ints(batch, DedupeSpill.sequenceField)
            let numbers = try Self.ints(batch, DedupeSpill.batchField)
            guard numbers.allSatisfy({ history.batches.contains($0) }) else { throw DedupeSpillError.damaged }
            let keys = state.keys.assign(contents.keyNames.map { $0.flatMap(batch.column(named:)) }, count: batch.count)
            for (row, code) in keys.enumerated() {
                let key = Int(code)
                if key == firstPlace.count {
                    firstPlace.append(sequences[row])
                    latestBatch.append(numbers[row])
                    if sequences[row] >= spill.keysAtSpill { history.newKeys[numbers[row]] += 1 }
                } else {
                    history.superseded(batch: latestBatch[key], at: sequences[row])
                    latestBatch[key] = numbers[row]
                }
            }
            state.hold(batch, keys: keys)
        }
        for batch in latestBatch { history.superseded(batch: batch, at: Int.max) }
        guard !firstPlace.isEmpty else { return }
        // Keys are numbered in the order the partition met them: the held rows written at the
        // spill came first, in batch order rather than first-seen order.
        let order = firstPlace.indices.sorted { firstPlace[$0] < firstPlace[$1] }
        var survivors = state.survivors().selecting(order)
        survivors.setColumn(Column(storage: .ints(order.map { firstPlace[$0] })), named: DedupeSpill.sequenceField)
        try writer.append(survivors, frameRows: Self.mergeFrameRows)
    }

    /// `keep: "last"`: the fields of the in-memory run's output, as field numbers. That output
    /// unions the fields of the batches its state still holds at the end, in order: every
    /// batch consumed since the state last dropped superseded rows, and before that only
    /// the batches that still had a latest row then. The drops are replayed from the row and
    /// new-key counts, from the state as it was at the spill.
    private func outputFields(_ contents: DedupeSpillContents, history: BatchHistory) -> [Int] {
        var heldRows = spill.heldRowsAtSpill
        var keys = spill.keysAtSpill
        var end = spill.keysAtSpill
        // The last drop: after which batch, and the last place consumed by then.
        var lastDrop: (batch: Int, place: Int)?
        for batch in spill.heldBatchesAtSpill..<contents.batchRows.count {
            let rows = Int(contents.batchRows[batch])
            heldRows += rows
            keys += history.newKeys[batch]
            end += rows
            if DedupeState.needsCompaction(heldRows: heldRows, keys: keys) {
                heldRows = keys
                lastDrop = (batch, end - 1)
            }
        }
        var fields: [Int] = []
        var seen = Set<Int>()
        for (batch, layout) in contents.batchLayouts.enumerated() {
            // A batch is dropped when every row of it was superseded by then (a row that was
            // still the latest then also was at every earlier drop).
            if let lastDrop, batch <= lastDrop.batch, history.lastSuperseded[batch] <= lastDrop.place { continue }
            for field in contents.layouts[Int(layout)] where seen.insert(field).inserted { fields.append(field) }
        }
        return fields
    }

    /// The int column `field` of a spilled batch.
    private static func ints(_ batch: RecordBatch, _ field: String) throws -> [Int] {
        guard case .ints(let values)? = batch.column(named: field)?.storage, values.count == batch.count else {
            throw DedupeSpillError.damaged
        }
        return values
    }

    /// Row `row`'s place, from the hidden sequence column.
    @inline(__always)
    private static func sequence(_ column: Column?, _ row: Int) -> Int {
        guard let column, case .ints(let values) = column.storage else { return Int.max }
        return values[row]
    }
}

/// `keep: "last"`: per input batch (as numbered by the spill), what the partitions found out
/// about it, for ``DedupeSpillReader`` to replay the in-memory state's drops.
struct BatchHistory {
    /// The valid batch numbers.
    let batches: Range<Int>
    /// The keys whose first row is in the batch (batches after the spill only).
    var newKeys: [Int]
    /// The latest place at which one of the batch's rows stopped being its key's latest
    /// (`Int.max` when one never did; `Int.min` when the batch has no row written).
    var lastSuperseded: [Int]

    init(batches: Int) {
        self.batches = 0..<batches
        newKeys = Array(repeating: 0, count: batches)
        lastSuperseded = Array(repeating: Int.min, count: batches)
    }

    /// A row of batch `batch` stopped being the latest at place `place`.
    mutating func superseded(batch: Int, at place: Int) {
        lastSuperseded[batch] = max(lastSuperseded[batch], place)
    }
}

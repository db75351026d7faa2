import SluiceCore

/// Spilling for ``Aggregate``: partial aggregates written by hash partition, merged again at
/// the end.
///
/// A spill writes every group's partial state (its key, its first-seen ordinal and each
/// accumulator's partial columns, see ``AggregateState/partialColumns(_:_:)``) to one file,
/// split into ``AggregateSpillBook/partitionCount`` partitions by a hash of the key, and
/// leaves the state empty. Input after the spill builds new groups, possibly with keys seen
/// before; they are merged at the end. Finishing spills what is left, then takes one
/// partition at a time: it merges the partition's partial rows, in input order, into a fresh
/// state (a group's smallest ordinal is its place), finishes it by the in-memory path and
/// writes the rows with their ordinals. Merging the partitions' rows on the ordinal gives the
/// groups in first-seen order, as the in-memory path gives them. One partition's groups must
/// fit in memory, which they do unless the keys are very few and their values very many.
extension Aggregate {
    /// The column carrying each group's first-seen ordinal in spilled and finished rows.
    static let ordinalField = "\u{0}aggregate.ordinal"
    /// Groups per frame of spilled partial rows.
    static let partialFrameGroups = 4096
    /// Rows per frame of finished partitions, and per output batch.
    static let outputFrameRows = 4096

    /// An aggregate spills.
    public var spills: Bool { true }

    /// Writes the partial state of every group to one file, by hash partition, and leaves the
    /// state empty (an ungrouped aggregate keeps its one, empty, group). A state with no rows
    /// writes nothing.
    public func spill(_ state: inout AggregateState, to space: SpillSpace) throws {
        if let failure = state.spill?.failure { throw failure }
        let count = state.groupCount
        // Groups only come from rows, but an ungrouped aggregate's one group is there from the start.
        guard count > 0, !groupBy.isEmpty || state.rowCounts.first != 0 else { return }
        var book = state.spill ?? AggregateSpillBook(keyFields: groupBy.count)
        var members = Array(repeating: [Int](), count: AggregateSpillBook.partitionCount)
        for group in 0..<count { members[AggregateSpillBook.partition(of: state.groups.key(of: group))].append(group) }
        for slot in state.medians.indices { state.medians[slot].compact() }
        let positions = try state.partialPositions()
        let fields = groupBy + [Self.ordinalField] + (0..<state.partialColumnCount).map { "\u{0}aggregate.partial.\($0)" }
        var writer = try SpillWriter(space: space)
        var frames = 0
        var ranges: [Range<Int>] = []
        for groups in members {
            let first = frames
            var start = 0
            while start < groups.count {
                let chunk = Array(groups[start..<min(groups.count, start + Self.partialFrameGroups)])
                start += chunk.count
                var columns = keyColumns(of: chunk, in: state, forms: &book.mixedKeyForms)
                columns.append(Column(storage: .ints(chunk.map { book.ordinalBase + $0 })))
                columns += state.partialColumns(chunk, positions)
                let batch = RecordBatch(fields: fields, columns: columns, positions: Array(repeating: 0, count: chunk.count))
                try writer.append(batch, frameRows: chunk.count)
                frames += 1
            }
            ranges.append(first..<frames)
        }
        let run = try writer.finish()
        guard run.batchCount == frames else { throw AggregateSpillError.malformed("frame count") }
        for (partition, range) in ranges.enumerated() where !range.isEmpty {
            book.partitions[partition].append(SpillPiece(run: run, frames: range, ordinalShift: 0))
        }
        book.ordinalBase += count
        book.space = space
        state = makeState()
        state.spill = book
    }

    /// The group-by values of `groups`, one column per field; notes the fields where a value
    /// has a form an equal key elsewhere may not share.
    private func keyColumns(of groups: [Int], in state: AggregateState, forms: inout [Bool]) -> [Column] {
        groupBy.indices.map { field in
            var builder = ColumnBuilder(capacity: groups.count)
            for group in groups {
                let value = state.groups.value(of: group, field: field)
                if !forms[field], AggregateSpillBook.mayTakeOtherForms(value) { forms[field] = true }
                builder.append(value)
            }
            return builder.build()
        }
    }

    /// The output a batch at a time: ``finish(_:)``'s batch when nothing was spilled,
    /// otherwise the partitions merged again and put back in first-seen order.
    public func finish(_ state: AggregateState, space: SpillSpace) throws -> any BatchStream {
        guard state.spill != nil else { return ArrayBatchStream([try finish(state)]) }
        var rest = state
        try spill(&rest, to: space)
        guard let book = rest.spill else { throw AggregateSpillError.malformed("bookkeeping") }
        rest = makeState()
        var writer = try SpillWriter(space: space)
        var frames = 0
        var ranges: [Range<Int>] = []
        for pieces in book.partitions {
            let first = frames
            if !pieces.isEmpty {
                let rows = try mergePartition(pieces)
                try writer.append(rows, frameRows: Self.outputFrameRows)
                frames += (rows.count + Self.outputFrameRows - 1) / Self.outputFrameRows
            }
            ranges.append(first..<frames)
        }
        let run = try writer.finish()
        guard run.batchCount == frames else { throw AggregateSpillError.malformed("frame count") }
        let inputs: [any BatchStream] = ranges.filter { !$0.isEmpty }.map { AggregateFrameStream(run: run, frames: $0) }
        let merged = MergedStream(inputs, batchRows: Self.outputFrameRows, keys: [Self.ordinalField]) { a, i, b, j in
            Self.ordinal(a[0], i) < Self.ordinal(b[0], j)
        }
        // One field's key forms cannot differ between groups; the others' are put back.
        let restore = groupBy.count > 1 ? book.mixedKeyForms : Array(repeating: false, count: groupBy.count)
        return AggregateSpillOutput(merged: merged, having: having, restoreKeyForms: restore)
    }

    /// The ordinal in row `row` of an ordinal column.
    private static func ordinal(_ column: Column?, _ row: Int) -> Int {
        guard let column, case .ints(let ordinals) = column.storage else { return Int.max }
        return ordinals[row]
    }

    /// Merges one partition's partial rows, in input order, into a fresh state and finishes
    /// it: one row per group (before `having`), in first-seen order, with its ordinal.
    private func mergePartition(_ pieces: [SpillPiece]) throws -> RecordBatch {
        var state = makeState()
        var ordinals: [Int] = []
        let keyCount = groupBy.count
        for piece in pieces {
            for frame in piece.frames {
                let batch = try piece.run.batch(frame)
                guard batch.columns.count > keyCount else { throw AggregateSpillError.malformed("key columns") }
                let groups = state.groups.assign((0..<keyCount).map { batch.columns[$0] }, count: batch.count)
                state.growAccumulators()
                ordinals.append(contentsOf: repeatElement(Int.max, count: max(0, state.groupCount - ordinals.count)))
                let read = try PartialColumn.ints(batch.columns[keyCount], rows: batch.count)
                for (row, group) in groups.enumerated() {
                    ordinals[Int(group)] = min(ordinals[Int(group)], read[row] + piece.ordinalShift)
                }
                try state.mergePartials(batch.columns, from: keyCount + 1, targets: groups)
            }
        }
        var rows = results(state)
        rows.setColumn(Column(storage: .ints(ordinals)), named: Self.ordinalField)
        // Rows are read in ordinal order, so groups are numbered in it; should that ever not
        // hold, sort them.
        if zip(ordinals, ordinals.dropFirst()).contains(where: { $0 >= $1 }) {
            rows = rows.selecting(ordinals.indices.sorted { ordinals[$0] < ordinals[$1] })
        }
        return rows
    }

    /// Before merging a spilled state `other` into `state`: spills `state`, so its groups come
    /// first, and takes over `other`'s spilled pieces after them; `other`'s groups in memory
    /// then merge as usual. (The engine merges block states that never spilled; this keeps
    /// any other use right.) A spill that fails is thrown by the next spill or finish.
    func adoptSpills(into state: inout AggregateState, from other: AggregateSpillBook) {
        var failure = state.spill?.failure ?? other.failure
        if failure == nil {
            do {
                guard let space = state.spill?.space ?? other.space else { throw AggregateSpillError.malformed("spill space") }
                try spill(&state, to: space)
            } catch {
                failure = error
            }
        }
        var book = state.spill ?? AggregateSpillBook(keyFields: groupBy.count)
        if let failure {
            book.failure = failure
            state.spill = book
            return
        }
        for partition in book.partitions.indices {
            book.partitions[partition] += other.partitions[partition].map {
                SpillPiece(run: $0.run, frames: $0.frames, ordinalShift: $0.ordinalShift + book.ordinalBase)
            }
        }
        book.ordinalBase += other.ordinalBase
        for field in book.mixedKeyForms.indices where other.mixedKeyForms[field] { book.mixedKeyForms[field] = true }
        book.space = book.space ?? other.space
        state.spill = book
    }
}

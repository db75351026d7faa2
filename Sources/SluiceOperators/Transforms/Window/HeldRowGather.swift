import Dispatch
import SluiceCore

/// Rows of a list of held batches, picked by their number in arrival order (row 0 is the
/// first batch's first row), gathered into batches of any size.
///
/// A sort or window streams its held rows in output order a slice at a time with this (to
/// the target, or to disk when it spills), so the sorted copy of everything held never
/// exists at once: only the row order and one slice do.
///
/// The rows of a slice lie anywhere in the held data, so the gather is a random read per
/// cell. It is done column by column and, within a column, batch by batch: the slice's rows
/// are first grouped by the batch that holds them (a counting sort), and each batch's typed
/// storage is then copied to the rows' places in one tight loop, which keeps the reads of a
/// batch close together and lets the processor overlap their cache misses. Text takes two
/// passes (lengths, then bytes into one exact-size buffer). A field whose batches disagree
/// on its storage (ints in one, doubles in another) is gathered cell by cell.
struct HeldRowGather {
    let held: [RecordBatch]
    /// The output fields, in order.
    let fields: [String]
    /// The arrival number of each batch's first row, and the total at the end.
    private let starts: [Int]
    /// For each field, its column index in each batch (`nil` where a batch lacks it).
    private let columnIndex: [[Int?]]
    /// For each field, the storage its batches share.
    private let layouts: [Layout]

    /// The storage every batch holding a field keeps it in.
    private enum Layout { case ints, doubles, bools, text, values, mixed, absent }

    init(held: [RecordBatch], fields: [String]) {
        self.held = held
        self.fields = fields
        var starts = [0]
        for batch in held { starts.append(starts[starts.count - 1] + batch.count) }
        self.starts = starts
        let columnIndex = fields.map { field in held.map { $0.index(of: field) } }
        self.columnIndex = columnIndex
        layouts = columnIndex.map { indices in
            var layout = Layout.absent
            for (batch, index) in zip(held, indices) {
                guard let index else { continue }
                let kind: Layout
                switch batch.columns[index].storage {
                case .ints: kind = .ints
                case .doubles: kind = .doubles
                case .bools: kind = .bools
                case .text: kind = .text
                case .values: kind = .values
                case .dictionary: kind = .mixed
                }
                if layout == .absent {
                    layout = kind
                } else if layout != kind {
                    return .mixed
                }
            }
            return layout
        }
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
        let groups = SliceGroups(rows.map { locate(Int($0)) }, batches: held.count)
        let columns = [Column](unsafeUninitializedCapacity: fields.count) { out, count in
            guard let base = out.baseAddress else { return }
            let gathered = UncheckedPointer(base)
            // Columns are independent: gather them on all cores (the gather is bound by
            // memory latency, which more cores hide better).
            DispatchQueue.concurrentPerform(iterations: fields.count) { f in
                (gathered.pointer + f).initialize(to: column(f, groups))
            }
            count = fields.count
        }
        let positions = groups.gather(placeholder: 0) { b in held[b].positions }
        return RecordBatch(fields: fields, columns: columns, positions: positions)
    }

    /// Field `f` of the slice's rows.
    private func column(_ f: Int, _ groups: SliceGroups) -> Column {
        let indices = columnIndex[f]
        func part(_ b: Int) -> Column? { indices[b].map { held[b].columns[$0] } }
        let presence = presence(f, groups)
        switch layouts[f] {
        case .absent:
            return Column.absent(count: groups.count)
        case .ints:
            return Column(storage: .ints(groups.gather(placeholder: 0) { b in
                if case .ints(let a)? = part(b)?.storage { return a } else { return nil }
            }), presence: presence)
        case .doubles:
            return Column(storage: .doubles(groups.gather(placeholder: 0) { b in
                if case .doubles(let a)? = part(b)?.storage { return a } else { return nil }
            }), presence: presence)
        case .bools:
            return Column(storage: .bools(groups.gather(placeholder: false) { b in
                if case .bools(let a)? = part(b)?.storage { return a } else { return nil }
            }), presence: presence)
        case .values:
            return Column(storage: .values(groups.gather(placeholder: .null) { b in
                if case .values(let a)? = part(b)?.storage { return a } else { return nil }
            }), presence: presence)
        case .text:
            let text = groups.gatherText { b in
                if case .text(let t)? = part(b)?.storage { return t } else { return nil }
            }
            if let text { return Column(storage: .text(text), presence: presence) }
            return cellByCell(f, groups)
        case .mixed:
            return cellByCell(f, groups)
        }
    }

    /// The presence of field `f` for the slice's rows; nil when every one is present.
    private func presence(_ f: Int, _ groups: SliceGroups) -> [Column.Presence]? {
        let indices = columnIndex[f]
        let complete = groups.batchesUsed.allSatisfy { b in
            indices[b].map { held[b].columns[$0].presence == nil } ?? false
        }
        guard !complete else { return nil }
        return groups.gather(placeholder: .absent, constant: { b in indices[b] == nil ? nil : .present }) { b in
            indices[b].flatMap { held[b].columns[$0].presence }
        }
    }

    /// Field `f` appended a cell at a time, in slice order (storage that differs between
    /// batches, or text too large for 32-bit offsets, which the builder keeps as values).
    private func cellByCell(_ f: Int, _ groups: SliceGroups) -> Column {
        let indices = columnIndex[f]
        var builder = ColumnBuilder(capacity: groups.count)
        for (b, r) in groups.places {
            if let c = indices[b] {
                builder.append(from: held[b].columns[c], row: r)
            } else {
                builder.appendAbsent()
            }
        }
        return builder.build()
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

/// The rows of a slice grouped by the held batch that holds them: a counting sort on the
/// batch number, stable, so each batch's rows keep slice order.
private struct SliceGroups {
    /// Each slice row's batch and row in it, in slice order.
    let places: [(batch: Int, row: Int)]
    /// The batches' groups: batch `b`'s rows are entries `groupStarts[b] ..< groupStarts[b + 1]`.
    let groupStarts: [Int]
    /// Per entry (grouped by batch), the row's place in the slice.
    let slicePlaces: [Int]
    /// Per entry, the row within its batch.
    let batchRows: [Int]
    /// The batches that hold at least one of the slice's rows.
    let batchesUsed: [Int]

    var count: Int { places.count }

    init(_ places: [(batch: Int, row: Int)], batches: Int) {
        self.places = places
        var starts = [Int](repeating: 0, count: batches + 1)
        for (b, _) in places { starts[b + 1] += 1 }
        for b in 0..<batches { starts[b + 1] += starts[b] }
        var next = starts
        var slicePlaces = [Int](repeating: 0, count: places.count)
        var batchRows = [Int](repeating: 0, count: places.count)
        for (i, (b, r)) in places.enumerated() {
            slicePlaces[next[b]] = i
            batchRows[next[b]] = r
            next[b] += 1
        }
        groupStarts = starts
        self.slicePlaces = slicePlaces
        self.batchRows = batchRows
        batchesUsed = (0..<batches).filter { starts[$0] < starts[$0 + 1] }
    }

    /// Each slice row's element of its batch's array (`part`), or `constant` for a batch
    /// without one (when it gives nil, `placeholder`).
    func gather<T>(placeholder: T, constant: (Int) -> T? = { _ in nil }, _ part: (Int) -> [T]?) -> [T] {
        let n = places.count
        return [T](unsafeUninitializedCapacity: n) { out, initialized in
            slicePlaces.withUnsafeBufferPointer { slicePlaces in
                batchRows.withUnsafeBufferPointer { batchRows in
                    for b in batchesUsed {
                        let range = groupStarts[b]..<groupStarts[b + 1]
                        if let array = part(b) {
                            array.withUnsafeBufferPointer { source in
                                for k in range { out.initializeElement(at: slicePlaces[k], to: source[batchRows[k]]) }
                            }
                        } else {
                            let fill = constant(b) ?? placeholder
                            for k in range { out.initializeElement(at: slicePlaces[k], to: fill) }
                        }
                    }
                }
            }
            initialized = n
        }
    }

    /// Each slice row's text from its batch's column (`part`; empty for a batch without
    /// one): lengths first, to lay out the offsets, then one copy per value. Nil when the
    /// slice's text does not fit 32-bit offsets.
    func gatherText(_ part: (Int) -> TextColumn?) -> TextColumn? {
        let n = places.count
        let texts = batchesUsed.map { part($0) }
        var lengths = [Int](repeating: 0, count: n)
        lengths.withUnsafeMutableBufferPointer { lengths in
            for (text, b) in zip(texts, batchesUsed) {
                guard let text else { continue }
                text.offsets.withUnsafeBufferPointer { offsets in
                    for k in groupStarts[b]..<groupStarts[b + 1] {
                        let r = batchRows[k]
                        lengths[slicePlaces[k]] = Int(offsets[r + 1]) - Int(offsets[r])
                    }
                }
            }
        }
        var total = 0
        var offsets = [Int32](repeating: 0, count: n + 1)
        for i in 0..<n {
            total += lengths[i]
            guard total <= Int(Int32.max) else { return nil }
            offsets[i + 1] = Int32(truncatingIfNeeded: total)
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            initialized = total
            guard let target = UnsafeMutableRawPointer(out.baseAddress) else { return }
            offsets.withUnsafeBufferPointer { outOffsets in
                for (text, b) in zip(texts, batchesUsed) {
                    guard let text else { continue }
                    text.bytes.withUnsafeBytes { source in
                        text.offsets.withUnsafeBufferPointer { sourceOffsets in
                            guard let source = source.baseAddress else { return }
                            for k in groupStarts[b]..<groupStarts[b + 1] {
                                let r = batchRows[k]
                                let start = Int(sourceOffsets[r])
                                let length = Int(sourceOffsets[r + 1]) - start
                                ShortCopy.copy(source + start, to: target + Int(outOffsets[slicePlaces[k]]), count: length)
                            }
                        }
                    }
                }
            }
        }
        return TextColumn(bytes: bytes, offsets: offsets)
    }
}

/// A pointer handed to the iterations of `concurrentPerform`, each of which writes only its
/// own element; the call returns only when all are done.
private struct UncheckedPointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>

    init(_ pointer: UnsafeMutablePointer<T>) {
        self.pointer = pointer
    }
}

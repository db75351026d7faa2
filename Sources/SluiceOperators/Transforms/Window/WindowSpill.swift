import SluiceCore

/// Streaming and spilling for ``Window``: partition, then sort, then stream partition by
/// partition.
///
/// Without a spill the held rows are sorted once and streamed in output order, whole
/// partitions a chunk at a time (``WindowOutput``).
///
/// The partition table stays in memory (one entry per distinct partition key, numbered in
/// first-seen order, as the in-memory path numbers them). A spill groups the oldest half of
/// the held rows by partition number (a stable counting sort, so rows of a partition keep
/// arrival order) and writes them to disk as one run, with each row's partition number in
/// an extra column. At
/// the end the runs and what is still held are merged on the partition number alone
/// (``WindowPartitionMerge``): a chunk takes every row of the next partitions from each run
/// in turn, and is finished by the in-memory path, which sorts each partition by the order
/// keys. Runs hold consecutive stretches of the input, so a partition's rows reach the sort
/// in arrival order and ties keep it. So the output, its order and its values are what the
/// in-memory window gives. One partition must fit in memory on its own.
extension Window {
    /// The column that carries each spilled row's partition number.
    static let partitionColumn = "\u{0}window.partition"

    /// A window spills.
    public var spills: Bool { true }

    /// Groups the oldest held batches, at least half of what is held, by partition and
    /// writes them to disk as one run, a slice at a time.
    ///
    /// Half, not all: a spill halves what is held (and what finishing would add to it), so
    /// a window that outgrows its share near the end of its input writes half its rows to
    /// disk rather than all of them, and merges the rest from memory. The runner spills again
    /// if that is not enough.
    public func spill(_ state: inout WindowState, to space: SpillSpace) throws {
        guard state.rowCount > 0 else { return }
        var batches = 0
        var bytes = 0
        var rows = 0
        while batches < state.held.count, bytes * 2 < state.heldBytes {
            bytes += state.held[batches].storageBytes
            rows += state.held[batches].count
            batches += 1
        }
        let (gather, places) = Self.grouped(
            Array(state.held[..<batches]), partitionIds: state.partitionIds[..<rows], partitionCount: state.partitionCount)
        state.release(first: batches)
        state.runs.append(try gather.write(places, to: space))
    }

    /// Held rows (`held`, whose rows fall in `partitionIds`) with their partition numbers in
    /// ``partitionColumn``, and their arrival numbers grouped by partition (partitions in
    /// number order, rows in arrival order).
    static func grouped(
        _ held: [RecordBatch], partitionIds: ArraySlice<Int32>, partitionCount: Int
    ) -> (gather: HeldRowGather, places: [UInt32]) {
        var held = held
        var start = partitionIds.startIndex
        for (i, batch) in held.enumerated() {
            let ids = partitionIds[start..<start + batch.count].map { Int($0) }
            start += batch.count
            var batch = batch
            batch.setColumn(Column(storage: .ints(ids)), named: partitionColumn)
            held[i] = batch
        }
        let layout = PartitionLayout(partitions: Array(partitionIds), count: partitionCount)
        let places = [UInt32](unsafeUninitializedCapacity: layout.places.count) { out, count in
            for (row, place) in layout.places.enumerated() { out[Int(place)] = UInt32(truncatingIfNeeded: row) }
            count = layout.places.count
        }
        return (HeldRowGather(held: held, fields: BatchConcatenation.fields(of: held)), places)
    }

    /// The output a chunk at a time: the held rows sorted and streamed when nothing was
    /// spilled, otherwise every run and what is still held merged by partition.
    public func finish(_ state: WindowState, space: SpillSpace) throws -> any BatchStream {
        guard !state.runs.isEmpty else { return WindowOutput(window: self, state: state) }
        var inputs: [any BatchStream] = state.runs.map { $0.stream() }
        var fields = state.runs.flatMap(\.fields)
        if state.rowCount > 0 {
            let (gather, places) = Self.grouped(state.held, partitionIds: state.partitionIds[...], partitionCount: state.partitionCount)
            inputs.append(HeldRowSlices(gather: gather, places: places))
            fields += gather.fields
        }
        return WindowPartitionMerge(window: self, inputs: inputs, fields: Sort.firstSeen(fields).filter { $0 != Self.partitionColumn })
    }

    /// Finishes `pieces` (whole partitions, with their partition numbers in
    /// ``partitionColumn``, numbered `first ..< first + count`; rows of a partition in
    /// arrival order across the pieces, partitions in any order) by the in-memory path.
    func finishChunk(_ pieces: [RecordBatch], first: Int, count: Int) throws -> RecordBatch {
        var state = makeState()
        for piece in pieces {
            guard let column = piece.column(named: Self.partitionColumn), case .ints(let numbers) = column.storage else { continue }
            var batch = piece
            batch.removeColumn(named: Self.partitionColumn)
            state.hold(batch, partitions: numbers.map { Int32(truncatingIfNeeded: $0 - first) })
        }
        state.partitionCount = count
        return try finish(state)
    }
}

/// A window's output without spills: the held rows sorted once, then gathered and finished
/// whole partitions at a time, about ``chunkRows`` rows a chunk.
final class WindowOutput: BatchStream {
    static let chunkRows = 65_536
    private let window: Window
    private let gather: HeldRowGather
    /// Per output place, the held row that goes there.
    private let sources: [UInt32]
    private let bounds: [Int]
    private let keyChanges: [Bool]
    /// The next partition to emit.
    private var partition = 0

    init(window: Window, state: WindowState) {
        self.window = window
        gather = HeldRowGather(held: state.held, fields: BatchConcatenation.fields(of: state.held))
        guard state.rowCount > 0 else {
            sources = []
            bounds = [0]
            keyChanges = []
            return
        }
        let ordering = window.order(state)
        sources = ordering.sources
        bounds = ordering.bounds
        keyChanges = ordering.keyChanges
    }

    func next() throws -> RecordBatch? {
        let last = bounds.count - 1
        guard partition < last else { return nil }
        let start = bounds[partition]
        // The furthest partition end that keeps the chunk within `chunkRows` (at least one
        // partition, however large).
        var low = partition + 1
        var high = last
        while low < high {
            let middle = (low + high + 1) / 2
            if bounds[middle] - start <= Self.chunkRows { low = middle } else { high = middle - 1 }
        }
        let end = bounds[low]
        let rows = gather.batch(sources[start..<end])
        let local = bounds[partition...low].map { $0 - start }
        let changes = keyChanges.isEmpty ? [] : Array(keyChanges[start..<end])
        partition = low
        return window.finishOrdered(rows, bounds: local, keyChanges: changes)
    }
}

/// Held rows in a given order, gathered a slice at a time (what is still held when a
/// spilled window or sort finishes, merged with the runs on disk without being written).
final class HeldRowSlices: BatchStream {
    private let gather: HeldRowGather
    private let places: [UInt32]
    private let sliceRows: Int
    private var start = 0

    init(gather: HeldRowGather, places: [UInt32], sliceRows: Int = 16_384) {
        self.gather = gather
        self.places = places
        self.sliceRows = sliceRows
    }

    func next() throws -> RecordBatch? {
        guard start < places.count else { return nil }
        let end = min(places.count, start + sliceRows)
        defer { start = end }
        return gather.batch(places[start..<end])
    }
}

/// Merges a spilled window's runs (each grouped by partition number, ascending) on the
/// partition number: each chunk holds every remaining row of the partitions below a
/// cut-off that every input has read past, taken from the inputs in turn, and is finished
/// by ``Window/finishChunk(_:first:count:)``.
final class WindowPartitionMerge: BatchStream {
    private let window: Window
    private let inputs: [any BatchStream]
    /// The output's input fields, in first-seen order.
    private let fields: [String]
    /// Per input, the rows read and not yet emitted, and whether it has ended.
    private var buffered: [[RecordBatch]]
    private var ended: [Bool]
    /// The partition number the next chunk starts at.
    private var first = 0

    init(window: Window, inputs: [any BatchStream], fields: [String]) {
        self.window = window
        self.inputs = inputs
        self.fields = fields
        buffered = Array(repeating: [], count: inputs.count)
        ended = Array(repeating: false, count: inputs.count)
    }

    func next() throws -> RecordBatch? {
        while true {
            for i in inputs.indices {
                while !ended[i] && buffered[i].isEmpty { try read(i) }
            }
            // Every input has read past `cut`, so no partition below it has rows left unread.
            let open = inputs.indices.filter { !ended[$0] }
            var cut = open.map { Self.lastNumber(buffered[$0]) }.min() ?? Int.max
            let ready = buffered.reduce(0) { total, batches in total + batches.reduce(0) { $0 + Self.rowsBelow(cut, in: $1) } }
            if !open.isEmpty && ready < WindowOutput.chunkRows {
                // Too little below the cut: read on in the inputs that hold it back.
                for i in open where Self.lastNumber(buffered[i]) == cut { try read(i) }
                continue
            }
            guard ready > 0 else { return nil }
            // Many runs each read a batch ahead can put far more than a chunk below the cut:
            // lower it to the last partition that keeps the chunk within `chunkRows` (at
            // least one partition, however large).
            if ready > WindowOutput.chunkRows {
                cut = chunkCut(below: cut)
            }
            var pieces: [RecordBatch] = []
            for i in inputs.indices {
                var kept: [RecordBatch] = []
                for batch in buffered[i] {
                    let below = Self.rowsBelow(cut, in: batch)
                    if below == batch.count {
                        pieces.append(batch)
                    } else {
                        if below > 0 { pieces.append(batch.selecting(Array(0..<below))) }
                        kept.append(below > 0 ? batch.selecting(Array(below..<batch.count)) : batch)
                    }
                }
                buffered[i] = kept
            }
            let last = pieces.compactMap { Self.partitionNumbers($0).last }.max() ?? first
            let start = first
            first = last + 1
            return try window.finishChunk(pieces.map(ordered), first: start, count: last + 1 - start)
        }
    }

    /// The highest cut-off at or below `cut` that leaves at most ``WindowOutput/chunkRows``
    /// buffered rows below it, but at least the next partition.
    private func chunkCut(below cut: Int) -> Int {
        func rows(below c: Int) -> Int {
            buffered.reduce(0) { total, batches in total + batches.reduce(0) { $0 + Self.rowsBelow(c, in: $1) } }
        }
        let least = buffered.compactMap { $0.first.flatMap { Self.partitionNumbers($0).first } }.min() ?? first
        var low = least + 1
        var high = cut
        while low < high {
            let middle = low + (high - low + 1) / 2
            if rows(below: middle) <= WindowOutput.chunkRows { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Reads input `i`'s next batch, or notes that it has ended.
    private func read(_ i: Int) throws {
        if let batch = try inputs[i].next() {
            if !batch.isEmpty { buffered[i].append(batch) }
        } else {
            ended[i] = true
        }
    }

    /// `batch` with the output's fields in order (absent where it lacks one) and the
    /// partition numbers last, so every piece of a chunk has the same fields.
    private func ordered(_ batch: RecordBatch) -> RecordBatch {
        let order = fields + [Window.partitionColumn]
        return RecordBatch(
            fields: order, columns: order.map { batch.column(named: $0) ?? Column.absent(count: batch.count) },
            positions: batch.positions)
    }

    /// The partition number of the last row of `batches` (`Int.max` when there is none).
    private static func lastNumber(_ batches: [RecordBatch]) -> Int {
        guard let last = batches.last else { return Int.max }
        return partitionNumbers(last).last ?? Int.max
    }

    /// How many of `batch`'s rows (ascending by partition number) are in partitions below `cut`.
    private static func rowsBelow(_ cut: Int, in batch: RecordBatch) -> Int {
        let numbers = partitionNumbers(batch)
        var low = 0
        var high = numbers.count
        while low < high {
            let middle = (low + high) / 2
            if numbers[middle] < cut { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func partitionNumbers(_ batch: RecordBatch) -> [Int] {
        guard let column = batch.column(named: Window.partitionColumn), case .ints(let numbers) = column.storage else { return [] }
        return numbers
    }
}

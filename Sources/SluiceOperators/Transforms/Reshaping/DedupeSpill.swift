import SluiceCore
import Synchronization

/// What a ``DedupeState`` holds once it has spilled: rows waiting to be written, one buffer
/// per key partition (see ``DedupePartitioner``), and the spill file they are written to.
///
/// Every partition's frames go to one file (each frame holds one partition's rows), so the
/// state keeps one writer's buffer rather than one per partition; ``finishWriting()`` says
/// which frames hold which partition.
///
/// A row written here carries two hidden int columns: ``sequenceField``, its place in the
/// input, and ``batchField``, the input batch it came from (see
/// ``DedupeSpillContents/batchLayouts``). The row's own fields are renamed `#0`, `#1`, … by
/// the order the spill first saw them, so no field of the data can meet a hidden one;
/// ``DedupeSpillContents/fieldNames`` gives the names back. Rows that only mark a key as
/// already emitted (`keep: "first"`) have sequence and batch -1.
///
/// The spill is a reference shared by copies of the state: consuming into one copy writes
/// for all. Finishing hands the file over and ends it.
final class DedupeSpill: Sendable {
    /// The hidden column holding each row's place in the input.
    static let sequenceField = "seq"
    /// The hidden column holding each row's input batch.
    static let batchField = "batch"
    /// The name field number `id` is written under.
    static func internalName(_ id: Int) -> String { "#\(id)" }
    /// A partition's buffered rows are written once they take this many bytes.
    static let partitionBufferBytes = 32 << 10
    /// The writer writes its buffer once it holds this much (see ``SpillWriter``).
    private static let writerFlushBytes = 1 << 20

    /// Where the file lives.
    let space: SpillSpace
    /// The key fields, by their names in the data.
    let keyFields: [String]
    /// The number of keys the state had seen when it spilled, and (`keep: "last"`) the rows
    /// and batches it held then: where replaying the in-memory state's bookkeeping starts.
    let keysAtSpill: Int
    let heldRowsAtSpill: Int
    let heldBatchesAtSpill: Int
    private let partitioner: DedupePartitioner
    private let store: Mutex<Store>

    /// A spill whose input sequence numbers start at `firstSequence`.
    init(space: SpillSpace, keyFields: [String], keysAtSpill: Int, heldRowsAtSpill: Int, heldBatchesAtSpill: Int, firstSequence: Int) throws {
        self.space = space
        self.keyFields = keyFields
        self.keysAtSpill = keysAtSpill
        self.heldRowsAtSpill = heldRowsAtSpill
        self.heldBatchesAtSpill = heldBatchesAtSpill
        var generator = SystemRandomNumberGenerator()
        partitioner = DedupePartitioner(seed: generator.next())
        store = Mutex(Store(writer: try SpillWriter(space: space), nextSequence: firstSequence))
    }

    /// Buffers the key columns `keys` (parallel to ``keyFields``, `nil` where absent) of
    /// `count` keys already emitted, so the partition passes know them.
    func appendMarkers(_ keys: [Column?], count: Int) throws {
        guard count > 0 else { return }
        try store.withLock { store throws in
            var fields = [Self.sequenceField, Self.batchField]
            let none = Column(storage: .ints(Array(repeating: -1, count: count)))
            var columns = [none, none]
            for (field, column) in zip(keyFields, keys) {
                guard let column else { continue }
                fields.append(store.internalName(field))
                columns.append(column)
            }
            let markers = RecordBatch(fields: fields, columns: columns, positions: Array(repeating: 0, count: count))
            try store.buffer(markers, partitions: partitioner.partitions(of: keys, rows: count))
        }
    }

    /// Counts an input batch with fields `fields` and `rows` rows; returns its number.
    func registerBatch(fields: [String], rows: Int) -> Int {
        store.withLock { $0.register(fields: fields, rows: rows) }
    }

    /// Buffers `rows` of `batch` (whose number is `batchNumber`) with sequence numbers
    /// `sequences`: a `keep: "last"` state's latest rows when it spills.
    func appendHeld(_ rows: RecordBatch, sequences: [Int], batchNumber: Int) throws {
        guard !rows.isEmpty else { return }
        try store.withLock { store throws in
            let tagged = store.tagged(rows, sequences: .ints(sequences), batchNumber: batchNumber)
            try store.buffer(tagged, partitions: partitioner.partitions(of: keyColumns(of: rows), rows: rows.count))
        }
    }

    /// Buffers every row of `batch`, consumed after the spill, numbered in input order.
    func append(_ batch: RecordBatch) throws {
        guard !batch.isEmpty else { return }
        let partitions = partitioner.partitions(of: keyColumns(of: batch), rows: batch.count)
        try store.withLock { store throws in
            let number = store.register(fields: batch.fields, rows: batch.count)
            let first = store.nextSequence
            store.nextSequence += batch.count
            let tagged = store.tagged(batch, sequences: .ints(Array(first..<first + batch.count)), batchNumber: number)
            try store.buffer(tagged, partitions: partitions)
        }
    }

    /// Writes every partition's buffered rows, so the state holds as little as it can.
    func flush() throws {
        try store.withLock { store throws in
            for partition in 0..<DedupePartitioner.count { try store.flush(partition) }
        }
    }

    /// Writes what is buffered, ends the file and hands it over with the bookkeeping needed
    /// to read it. The spill takes no more rows afterwards.
    func finishWriting() throws -> DedupeSpillContents {
        try store.withLock { store throws in
            for partition in 0..<DedupePartitioner.count { try store.flush(partition) }
            guard let writer = store.writer.take() else { throw DedupeSpillError.finished }
            let run = try writer.finish()
            defer { store.release() }
            return DedupeSpillContents(
                run: run, partitionFrames: store.frames, fieldNames: store.fieldNames,
                keyNames: keyFields.map { field in store.fieldIDs[field].map(Self.internalName) },
                layouts: store.layouts, batchLayouts: store.batchLayouts, batchRows: store.batchRows)
        }
    }

    /// The buffered rows, about what the writer holds unwritten, and the bookkeeping: a few
    /// words per input batch and per written frame.
    var estimatedBytes: Int {
        store.withLock { store in
            store.bufferedBytes.reduce(0, +) + store.writerPeak
                + store.batchLayouts.capacity * 4 + store.batchRows.capacity * 4
                + store.frameCount * (8 + 24) + store.layouts.reduce(0) { $0 + 64 + $1.count * 24 }
        }
    }

    private func keyColumns(of batch: RecordBatch) -> [Column?] {
        keyFields.map { batch.column(named: $0) }
    }

    /// The mutable part, behind the lock.
    private struct Store: ~Copyable {
        var writer: SpillWriter?
        /// Per partition, the numbers of the frames holding its rows, in the order written.
        var frames = [[Int]](repeating: [], count: DedupePartitioner.count)
        var frameCount = 0
        var buffers = [[RecordBatch]](repeating: [], count: DedupePartitioner.count)
        var bufferedBytes = [Int](repeating: 0, count: DedupePartitioner.count)
        /// About what the writer's buffer holds, and the most it held (its capacity stays).
        var writerPending = 0
        var writerPeak = 0
        /// Each field's number, by first sighting.
        var fieldIDs: [String: Int] = [:]
        var fieldNames: [String] = []
        /// The distinct field lists of input batches, as field numbers.
        var layouts: [[Int]] = []
        var layoutIDs: [[Int]: Int32] = [:]
        /// Per input batch: its layout and its row count.
        var batchLayouts: [Int32] = []
        var batchRows: [Int32] = []
        var nextSequence: Int

        init(writer: consuming SpillWriter, nextSequence: Int) {
            self.writer = .some(writer)
            self.nextSequence = nextSequence
        }

        /// The name field `field` is written under.
        mutating func internalName(_ field: String) -> String {
            DedupeSpill.internalName(fieldID(field))
        }

        mutating func fieldID(_ field: String) -> Int {
            if let id = fieldIDs[field] { return id }
            let id = fieldNames.count
            fieldIDs[field] = id
            fieldNames.append(field)
            return id
        }

        mutating func register(fields: [String], rows: Int) -> Int {
            let layout = fields.map { fieldID($0) }
            let id: Int32
            if let known = layoutIDs[layout] {
                id = known
            } else {
                id = Int32(layouts.count)
                layoutIDs[layout] = id
                layouts.append(layout)
            }
            batchLayouts.append(id)
            batchRows.append(Int32(truncatingIfNeeded: rows))
            return batchLayouts.count - 1
        }

        /// `batch` with its fields renamed and the hidden columns in front.
        mutating func tagged(_ batch: RecordBatch, sequences: Column.Storage, batchNumber: Int) -> RecordBatch {
            var fields = [DedupeSpill.sequenceField, DedupeSpill.batchField]
            fields.reserveCapacity(batch.fields.count + 2)
            for field in batch.fields { fields.append(internalName(field)) }
            let number = Column(storage: .ints(Array(repeating: batchNumber, count: batch.count)))
            return RecordBatch(fields: fields, columns: [Column(storage: sequences), number] + batch.columns, positions: batch.positions)
        }

        /// Adds each row of `batch` to its partition's buffer, writing buffers that are full.
        mutating func buffer(_ batch: RecordBatch, partitions: [UInt8]) throws {
            var rows = [[Int]](repeating: [], count: DedupePartitioner.count)
            for (row, partition) in partitions.enumerated() { rows[Int(partition)].append(row) }
            for (partition, selected) in rows.enumerated() where !selected.isEmpty {
                let part = batch.selecting(selected)
                buffers[partition].append(part)
                bufferedBytes[partition] += part.storageBytes
                if bufferedBytes[partition] >= DedupeSpill.partitionBufferBytes { try flush(partition) }
            }
        }

        /// Writes partition `partition`'s buffer as one frame.
        mutating func flush(_ partition: Int) throws {
            guard !buffers[partition].isEmpty else { return }
            let chunk = BatchConcatenation.concatenate(buffers[partition])
            buffers[partition] = []
            bufferedBytes[partition] = 0
            guard writer != nil else { throw DedupeSpillError.finished }
            // One frame per chunk, so frame numbers count appends.
            try writer?.append(chunk, frameRows: chunk.count)
            frames[partition].append(frameCount)
            frameCount += 1
            writerPending += chunk.storageBytes
            writerPeak = max(writerPeak, writerPending)
            if writerPending >= DedupeSpill.writerFlushBytes { writerPending = 0 }
        }

        /// Lets go of everything once the file is handed over.
        mutating func release() {
            frames = []
            buffers = []
            bufferedBytes = []
            writerPending = 0
            writerPeak = 0
            batchLayouts = []
            batchRows = []
            frameCount = 0
        }
    }
}

/// A finished ``DedupeSpill``: the file and how to read it.
struct DedupeSpillContents: Sendable {
    /// The spill file.
    let run: SpillRun
    /// Per partition, the frames of ``run`` holding its rows, in the order written.
    let partitionFrames: [[Int]]
    /// The data's name of each internal field number.
    let fieldNames: [String]
    /// The internal name of each key field, `nil` for one no batch had.
    let keyNames: [String?]
    /// The distinct field lists of the input batches, as field numbers.
    let layouts: [[Int]]
    /// Per input batch (numbered as the hidden batch column has it): its layout, and its rows.
    let batchLayouts: [Int32]
    let batchRows: [Int32]
}

/// A spilled dedupe was used after it finished, or its file did not read back as written.
enum DedupeSpillError: Error, CustomStringConvertible {
    case finished
    case damaged

    var description: String {
        switch self {
        case .finished: return "dedupe: the spilled state was already finished"
        case .damaged: return "dedupe: a spill file lacks its sequence columns"
        }
    }
}

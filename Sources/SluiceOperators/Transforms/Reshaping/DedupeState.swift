import SluiceCore

/// The per-run state of a ``Dedupe``: the keys seen so far, and with `keep: "last"` the rows
/// that may still be emitted; once spilled, the ``DedupeSpill`` that takes every row instead.
public struct DedupeState: Sendable {
    /// Numbers each distinct key in first-seen order; keeps key bytes, not key values.
    var keys: GroupIndex
    /// `keep: "last"`: the held batches, and each held row's key number.
    private var held: [RecordBatch] = []
    private var heldKeys: [[Int32]] = []
    /// `keep: "last"`: where each key's latest row is, as `batch << 32 | row` into `held`.
    private var latest: [Int] = []
    private var heldRows = 0
    private var heldBytes = 0
    /// `keep: "first"`: the key columns of the rows emitted so far (each key's first row), in
    /// input order, so that a spill can write down which keys are taken: the key table keeps
    /// only hashes and bytes it cannot hand back.
    private var emittedKeys: [(columns: [Column?], count: Int)] = []
    private var emittedKeyBytes = 0
    /// Set once the state has spilled: from then on every row goes there.
    private(set) var spill: DedupeSpill?

    init(keyFields: Int) {
        keys = GroupIndex(fieldCount: keyFields, storesKeys: false)
    }

    /// The number of distinct keys seen (0 once the state has spilled: the keys are on disk).
    public var keyCount: Int { keys.count }

    /// Whether the state has moved to disk.
    public var hasSpilled: Bool { spill != nil }

    /// The floor of the superseded-row count that makes `keep: "last"` drop superseded rows.
    static let compactionFloor = 1 << 16

    /// Whether holding `heldRows` rows for `keys` keys calls for dropping superseded rows:
    /// once they outnumber the live ones (and are worth a pass).
    static func needsCompaction(heldRows: Int, keys: Int) -> Bool {
        heldRows - keys > Swift.max(keys, compactionFloor)
    }

    /// `keep: "first"`: notes the rows `emitted` (first occurrences) by their key columns.
    mutating func noteEmitted(_ emitted: RecordBatch, keyFields: [String]) {
        guard !emitted.isEmpty else { return }
        let columns = keyFields.map { emitted.column(named: $0) }
        emittedKeys.append((columns, emitted.count))
        emittedKeyBytes += columns.reduce(0) { $0 + ($1?.storageBytes ?? 0) } + 16
    }

    /// Holds `batch`, whose rows have key numbers `rowKeys`, making each row the latest of its key.
    mutating func hold(_ batch: RecordBatch, keys rowKeys: [Int32]) {
        let index = held.count
        if latest.count < keys.count { latest.append(contentsOf: repeatElement(0, count: keys.count - latest.count)) }
        latest.withUnsafeMutableBufferPointer { latest in
            for (row, key) in rowKeys.enumerated() { latest[Int(key)] = index << 32 | row }
        }
        held.append(batch)
        heldKeys.append(rowKeys)
        heldRows += batch.count
        heldBytes += batch.storageBytes + rowKeys.count * 4
        // Drop superseded rows once they outnumber the live ones (and are worth a pass), so
        // memory tracks the distinct keys and each row is copied a bounded number of times.
        if Self.needsCompaction(heldRows: heldRows, keys: keys.count) { compact() }
    }

    /// Keeps only each key's latest row.
    private mutating func compact() {
        var batches: [RecordBatch] = []
        var batchKeys: [[Int32]] = []
        heldRows = 0
        heldBytes = 0
        for (b, batch) in held.enumerated() {
            var rows: [Int] = []
            var kept: [Int32] = []
            for (row, key) in heldKeys[b].enumerated() where latest[Int(key)] == b << 32 | row {
                rows.append(row)
                kept.append(key)
            }
            guard !rows.isEmpty else { continue }
            let index = batches.count
            for (row, key) in kept.enumerated() { latest[Int(key)] = index << 32 | row }
            let survivors = batch.selecting(rows)
            batches.append(survivors)
            batchKeys.append(kept)
            heldRows += survivors.count
            heldBytes += survivors.storageBytes + kept.count * 4
        }
        held = batches
        heldKeys = batchKeys
    }

    /// Each key's latest row, in the order keys were first seen.
    func survivors() -> RecordBatch {
        var starts: [Int] = []
        var start = 0
        for batch in held {
            starts.append(start)
            start += batch.count
        }
        let all = BatchConcatenation.concatenate(held)
        let rows = latest.prefix(keys.count).map { starts[$0 >> 32] + ($0 & 0xFFFF_FFFF) }
        return all.selecting(rows)
    }

    /// The key table, plus the held rows and their bookkeeping (or the emitted keys' columns),
    /// plus what a spill holds in memory.
    var estimatedBytes: Int {
        keys.estimatedBytes + heldBytes + latest.capacity * 8 + emittedKeyBytes + (spill?.estimatedBytes ?? 0)
    }

    /// Moves the state to a ``DedupeSpill`` in `space`, partitioned by `keyFields`: with
    /// `keep: "first"` the keys emitted so far as markers, with `last` each key's latest row
    /// numbered by the key's first-seen place. Leaves the in-memory part empty.
    mutating func moveToDisk(space: SpillSpace, keyFields: [String], keep: Dedupe.Keep) throws {
        guard spill == nil else { return }
        let spill: DedupeSpill
        switch keep {
        case .first:
            spill = try DedupeSpill(
                space: space, keyFields: keyFields, keysAtSpill: keys.count, heldRowsAtSpill: 0, heldBatchesAtSpill: 0,
                firstSequence: 0)
            for index in emittedKeys.indices {
                let emitted = emittedKeys[index]
                emittedKeys[index].columns = []
                try spill.appendMarkers(emitted.columns, count: emitted.count)
            }
        case .last:
            spill = try DedupeSpill(
                space: space, keyFields: keyFields, keysAtSpill: keys.count, heldRowsAtSpill: heldRows,
                heldBatchesAtSpill: held.count, firstSequence: keys.count)
            for index in held.indices {
                // Every held batch counts (its fields make the output's), whether or not it
                // still holds a latest row.
                let batch = held[index]
                let number = spill.registerBatch(fields: batch.fields, rows: batch.count)
                var rows: [Int] = []
                var sequences: [Int] = []
                for (row, key) in heldKeys[index].enumerated() where latest[Int(key)] == index << 32 | row {
                    rows.append(row)
                    sequences.append(Int(key))
                }
                held[index] = .empty
                heldKeys[index] = []
                try spill.appendHeld(batch.selecting(rows), sequences: sequences, batchNumber: number)
            }
        }
        keys = GroupIndex(fieldCount: keyFields.count, storesKeys: false)
        held = []
        heldKeys = []
        latest = []
        heldRows = 0
        heldBytes = 0
        emittedKeys = []
        emittedKeyBytes = 0
        self.spill = spill
    }
}

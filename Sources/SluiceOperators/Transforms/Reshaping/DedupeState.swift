import SluiceCore

/// The per-run state of a ``Dedupe``: the keys seen so far, and with `keep: "last"` the rows
/// that may still be emitted.
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

    init(keyFields: Int) {
        keys = GroupIndex(fieldCount: keyFields, storesKeys: false)
    }

    /// The number of distinct keys seen.
    public var keyCount: Int { keys.count }

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
        let superseded = heldRows - keys.count
        if superseded > Swift.max(keys.count, 1 << 16) { compact() }
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

    /// The key table, plus the held rows and their bookkeeping.
    var estimatedBytes: Int {
        keys.estimatedBytes + heldBytes + latest.capacity * 8
    }
}

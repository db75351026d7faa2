import SluiceCore

/// The records a ``Sample`` with a `count` has chosen so far (Algorithm R): record `i` fills
/// slot `i` while slots are free, and afterwards replaces slot `j` when its random number
/// `j` in `0 ... i` falls below the capacity.
///
/// Chosen rows are kept as compact copies of their batches (only the chosen rows), and the
/// copies are merged once replaced rows make up most of what is held, so memory stays near
/// the capacity's worth of rows however long the input.
struct SampleReservoir: Sendable {
    /// One chosen row: which part holds it, and where.
    private struct Entry: Sendable {
        var part: Int32
        var row: Int32
    }

    /// The occupant of each slot.
    private var slots: [Entry] = []
    /// The copies holding chosen rows, in input order (earlier parts hold earlier records).
    private var parts: [RecordBatch] = []
    /// Per part, how many of its rows still occupy a slot.
    private var live: [Int] = []
    /// The rows held by all parts, replaced ones included.
    private var heldRows = 0

    /// Offers `batch`, whose first record has ordinal `firstOrdinal`, to a reservoir of
    /// `capacity` slots; `choose(i)` is record `i`'s random slot in `0 ... i`.
    mutating func add(_ batch: RecordBatch, firstOrdinal: Int, capacity: Int, choose: (Int) -> Int) {
        guard capacity > 0, !batch.isEmpty else { return }
        let before = slots.count
        // Rows filling new slots (slot `before + i`) and rows replacing earlier slots; a later
        // row of the batch may replace an earlier one of the same batch.
        var filling: [Int32] = []
        var replacing: [Int: Int32] = [:]
        for row in 0..<batch.count {
            let ordinal = firstOrdinal + row
            if ordinal < capacity {
                filling.append(Int32(row))
                continue
            }
            let slot = choose(ordinal)
            guard slot < capacity else { continue }
            if slot >= before {
                filling[slot - before] = Int32(row)
            } else {
                replacing[slot] = Int32(row)
            }
        }
        var chosen = [Int32](repeating: -1, count: batch.count)
        for row in filling { chosen[Int(row)] = 0 }
        for row in replacing.values { chosen[Int(row)] = 0 }
        var kept: [Int] = []
        for row in 0..<batch.count where chosen[row] == 0 {
            chosen[row] = Int32(kept.count)
            kept.append(row)
        }
        guard !kept.isEmpty else { return }
        let part = Int32(parts.count)
        for (slot, row) in replacing {
            release(slots[slot])
            slots[slot] = Entry(part: part, row: chosen[Int(row)])
        }
        for row in filling { slots.append(Entry(part: part, row: chosen[Int(row)])) }
        parts.append(batch.selecting(kept))
        live.append(kept.count)
        heldRows += kept.count
        if heldRows > 2 * slots.count + 4096 || parts.count > 256 { compact() }
    }

    /// Drops a replaced row's part once none of its rows is chosen any more.
    private mutating func release(_ entry: Entry) {
        let p = Int(entry.part)
        live[p] -= 1
        if live[p] == 0 {
            heldRows -= parts[p].count
            parts[p] = .empty
        }
    }

    /// The chosen rows, in input order, as one batch.
    func records() -> RecordBatch {
        var rowsOfPart = [[Int]](repeating: [], count: parts.count)
        for entry in slots { rowsOfPart[Int(entry.part)].append(Int(entry.row)) }
        var pieces: [RecordBatch] = []
        for (p, rows) in rowsOfPart.enumerated() where !rows.isEmpty {
            pieces.append(parts[p].selecting(rows.sorted()))
        }
        return BatchConcatenation.concatenate(pieces)
    }

    /// Merges the chosen rows into one part.
    private mutating func compact() {
        let merged = records()
        // `records()` lists slots' rows in input order; renumber each slot to its place there.
        let order = slots.indices.sorted { a, b in
            (slots[a].part, slots[a].row) < (slots[b].part, slots[b].row)
        }
        for (place, slot) in order.enumerated() { slots[slot] = Entry(part: 0, row: Int32(place)) }
        parts = [merged]
        live = [slots.count]
        heldRows = merged.count
    }

    /// About how many bytes the held rows take.
    var estimatedBytes: Int {
        parts.reduce(0) { $0 + $1.storageBytes } + slots.count * 8
    }
}

/// The output order of a window's rows: grouped by partition (partitions in number order,
/// which is first-seen order), sorted by the order keys within each, ties keeping input order.
///
/// The ``PartitionLayout`` gives each partition's rows in input order; each partition is then
/// sorted on its packed key words by a stable sort (insertion sort for the many small
/// partitions of a per-customer window, radix passes for large ones), once per word from
/// the least significant when the keys need several.
struct WindowOrdering {
    /// For each output place, the held row (its number in arrival order) that goes there.
    let sources: [UInt32]
    /// Partition `p` is output rows `bounds[p] ..< bounds[p + 1]`; the row count is last.
    let bounds: [Int]
    /// When asked for: per output row, whether its order keys differ from the previous output
    /// row's. Empty when there are no keys (every row of a partition is a peer).
    let keyChanges: [Bool]

    /// Orders the rows laid out by partition in `layout` by `keys`.
    init(layout: PartitionLayout, keys: SortKeys, needsKeyChanges: Bool) {
        let n = layout.places.count
        let bounds = layout.bounds
        let partitionCount = bounds.count - 1
        self.bounds = bounds
        let width = keys.width
        guard width > 0 else {
            sources = [UInt32](unsafeUninitializedCapacity: n) { out, count in
                for (row, place) in layout.places.enumerated() { out[Int(place)] = UInt32(truncatingIfNeeded: row) }
                count = n
            }
            keyChanges = []
            return
        }
        // Each partition's rows in input order, keyed by their last word.
        var entries = [KeyedRow](unsafeUninitializedCapacity: n) { out, count in
            keys.words.withUnsafeBufferPointer { words in
                layout.places.withUnsafeBufferPointer { places in
                    for row in 0..<n {
                        out[Int(places[row])] = KeyedRow(key: words[row * width + width - 1], row: UInt32(truncatingIfNeeded: row))
                    }
                }
            }
            count = n
        }
        let largest = layout.largest
        var scratch = [KeyedRow](repeating: KeyedRow(key: 0, row: 0), count: largest > KeyedRowSort.insertionLimit ? largest : 0)
        keys.words.withUnsafeBufferPointer { words in
            entries.withUnsafeMutableBufferPointer { entries in
                scratch.withUnsafeMutableBufferPointer { scratch in
                    for p in 0..<partitionCount where bounds[p + 1] - bounds[p] > 1 {
                        let slice = UnsafeMutableBufferPointer(rebasing: entries[bounds[p]..<bounds[p + 1]])
                        let spare = UnsafeMutableBufferPointer(rebasing: scratch[0..<(scratch.isEmpty ? 0 : slice.count)])
                        KeyedRowSort.sort(slice, scratch: spare)
                        // Stable passes on more significant words, least significant first.
                        for word in stride(from: width - 2, through: 0, by: -1) {
                            for i in slice.indices { slice[i].key = words[Int(slice[i].row) * width + word] }
                            KeyedRowSort.sort(slice, scratch: spare)
                        }
                    }
                }
            }
        }
        keyChanges = needsKeyChanges ? Self.keyChanges(entries, keys: keys) : []
        sources = entries.map(\.row)
    }

    /// Whether each sorted row's words differ from the previous row's.
    private static func keyChanges(_ entries: [KeyedRow], keys: SortKeys) -> [Bool] {
        let width = keys.width
        return [Bool](unsafeUninitializedCapacity: entries.count) { out, count in
            keys.words.withUnsafeBufferPointer { words in
                for i in entries.indices {
                    guard i > 0 else {
                        out[i] = true
                        continue
                    }
                    let a = Int(entries[i - 1].row) * width
                    let b = Int(entries[i].row) * width
                    var differs = false
                    for k in 0..<width where words[a + k] != words[b + k] {
                        differs = true
                        break
                    }
                    out[i] = differs
                }
            }
            count = entries.count
        }
    }
}

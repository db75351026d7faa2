import SluiceCore

extension Column {
    /// The rows at `rows`, in that order: ``Column/gathering(_:)`` with one exact-size
    /// allocation per array and no per-row capacity checks, since a window's output is a
    /// gather of every column over a million rows.
    func gathered(_ rows: [Int]) -> Column {
        let newPresence = presence.map { gatherElements($0, rows) }
        switch storage {
        case .ints(let a): return Column(storage: .ints(gatherElements(a, rows)), presence: newPresence)
        case .doubles(let a): return Column(storage: .doubles(gatherElements(a, rows)), presence: newPresence)
        case .bools(let a): return Column(storage: .bools(gatherElements(a, rows)), presence: newPresence)
        case .text(let t): return Column(storage: .text(Self.gather(t, rows)), presence: newPresence)
        case .values(let a): return Column(storage: .values(rows.map { a[$0] }), presence: newPresence)
        }
    }

    private static func gather(_ text: TextColumn, _ rows: [Int]) -> TextColumn {
        text.offsets.withUnsafeBufferPointer { offsets in
            rows.withUnsafeBufferPointer { rows in
                var total = 0
                let newOffsets = [Int32](unsafeUninitializedCapacity: rows.count + 1) { out, count in
                    out[0] = 0
                    for i in 0..<rows.count {
                        total += Int(offsets[rows[i] + 1] - offsets[rows[i]])
                        out[i + 1] = Int32(truncatingIfNeeded: total)
                    }
                    count = rows.count + 1
                }
                let bytes = text.bytes.withUnsafeBytes { source in
                    [UInt8](unsafeUninitializedCapacity: total) { out, count in
                        guard let target = UnsafeMutableRawPointer(out.baseAddress), let base = source.baseAddress else {
                            count = 0
                            return
                        }
                        for i in 0..<rows.count {
                            let start = Int(offsets[rows[i]])
                            let length = Int(offsets[rows[i] + 1]) - start
                            target.advanced(by: Int(newOffsets[i])).copyMemory(from: base + start, byteCount: length)
                        }
                        count = total
                    }
                }
                return TextColumn(bytes: bytes, offsets: newOffsets)
            }
        }
    }
}

/// The elements of `source` at `rows`, in that order, in one exact-size allocation.
func gatherElements<T>(_ source: [T], _ rows: [Int]) -> [T] {
    source.withUnsafeBufferPointer { source in
        rows.withUnsafeBufferPointer { rows in
            [T](unsafeUninitializedCapacity: rows.count) { out, count in
                for i in 0..<rows.count { out.initializeElement(at: i, to: source[rows[i]]) }
                count = rows.count
            }
        }
    }
}

extension RecordBatch {
    /// The rows at `rows`, in that order (``RecordBatch/selecting(_:)`` through the fast
    /// column gather); the batch itself when `rows` is every row in order.
    func gathered(_ rows: [Int]) -> RecordBatch {
        if rows.count == count, rows.elementsEqual(0..<count) { return self }
        return RecordBatch(fields: fields, columns: columns.map { $0.gathered(rows) }, positions: gatherElements(positions, rows))
    }
}

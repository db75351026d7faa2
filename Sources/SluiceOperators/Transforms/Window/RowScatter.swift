import SluiceCore

/// Builds a window's output columns straight from the held batches: each held row is
/// written once, at its output place, into an exact-size array.
///
/// Reading the batches one after another (rather than gathering from a joined copy) means
/// no column is ever copied twice and no joined copy is alive beside the output. A field
/// whose batches disagree on its layout (ints in one, doubles in another) is the exception:
/// it is joined cell by cell, as ``BatchConcatenation`` does, and then gathered.
struct RowScatter {
    /// For each held row (in arrival order), its output place.
    let destination: [UInt32]
    /// For each output place, its held row: the inverse of `destination`.
    let sources: [UInt32]

    /// Scatters held row `sources[p]` to output place `p`.
    init(sources: [UInt32]) {
        self.sources = sources
        destination = [UInt32](unsafeUninitializedCapacity: sources.count) { out, count in
            for (place, row) in sources.enumerated() { out[Int(row)] = UInt32(truncatingIfNeeded: place) }
            count = sources.count
        }
    }

    /// The held batches' positions in output order.
    func positions(of held: [RecordBatch]) -> [Int] {
        Self.scatter(held.map(\.positions), counts: held.map(\.count), placeholder: 0, destination: destination)
    }

    /// The field `name` in output order (absent where a batch lacks the field).
    func column(_ name: String, of held: [RecordBatch]) -> Column {
        let parts = held.map { $0.column(named: name) }
        let counts = held.map(\.count)
        let presence: [Column.Presence]?
        if parts.contains(where: { $0 == nil || $0?.presence != nil }) {
            let arrays = parts.map { column -> [Column.Presence]? in
                guard let column else { return nil }
                return column.presence ?? [Column.Presence](repeating: .present, count: column.count)
            }
            presence = Self.scatter(arrays, counts: counts, placeholder: .absent, destination: destination)
        } else {
            presence = nil
        }
        let present = parts.compactMap { $0 }
        guard let first = present.first else { return Column.absent(count: destination.count) }
        switch first.storage {
        case .ints:
            let arrays = parts.map { column -> [Int]? in
                if case .ints(let a)? = column?.storage { return a } else { return nil }
            }
            if arrays.compactMap({ $0 }).count == present.count {
                return Column(storage: .ints(Self.scatter(arrays, counts: counts, placeholder: 0, destination: destination)), presence: presence)
            }
        case .doubles:
            let arrays = parts.map { column -> [Double]? in
                if case .doubles(let a)? = column?.storage { return a } else { return nil }
            }
            if arrays.compactMap({ $0 }).count == present.count {
                return Column(storage: .doubles(Self.scatter(arrays, counts: counts, placeholder: 0, destination: destination)), presence: presence)
            }
        case .bools:
            let arrays = parts.map { column -> [Bool]? in
                if case .bools(let a)? = column?.storage { return a } else { return nil }
            }
            if arrays.compactMap({ $0 }).count == present.count {
                return Column(storage: .bools(Self.scatter(arrays, counts: counts, placeholder: false, destination: destination)), presence: presence)
            }
        case .text:
            let texts = parts.map { column -> TextColumn? in
                if case .text(let t)? = column?.storage { return t } else { return nil }
            }
            let bytes = texts.reduce(0) { total, text in total + (text.map { Int($0.offsets[$0.count] - $0.offsets[0]) } ?? 0) }
            // Offsets are 32-bit; larger text takes the general path (which keeps it as values).
            if texts.compactMap({ $0 }).count == present.count, bytes < Int(Int32.max) {
                return Column(storage: .text(scatter(texts, counts: counts, bytes: bytes)), presence: presence)
            }
        case .values:
            let arrays = parts.map { column -> [Value]? in
                if case .values(let a)? = column?.storage { return a } else { return nil }
            }
            if arrays.compactMap({ $0 }).count == present.count {
                return Column(storage: .values(Self.scatter(arrays, counts: counts, placeholder: .null, destination: destination)), presence: presence)
            }
        case .dictionary:
            break
        }
        return BatchConcatenation.concatenate(Array(zip(parts, counts))).gathering(sources.map { Int($0) })
    }

    /// The parts' elements (`placeholder` for a part without the field) at their destinations.
    private static func scatter<T>(_ parts: [[T]?], counts: [Int], placeholder: T, destination: [UInt32]) -> [T] {
        let n = destination.count
        return destination.withUnsafeBufferPointer { destination in
            [T](unsafeUninitializedCapacity: n) { out, initialized in
                var base = 0
                for (part, count) in zip(parts, counts) {
                    let targets = UnsafeBufferPointer(rebasing: destination[base..<(base + count)])
                    if let part {
                        part.withUnsafeBufferPointer { part in
                            for i in 0..<count { out.initializeElement(at: Int(targets[i]), to: part[i]) }
                        }
                    } else {
                        for i in 0..<count { out.initializeElement(at: Int(targets[i]), to: placeholder) }
                    }
                    base += count
                }
                initialized = n
            }
        }
    }

    /// The parts' text (empty for a part without the field) at their destinations: lengths
    /// first, to lay out the offsets; then each held row's output start, written in output
    /// order so that the copying pass reads it in arrival order (a random read per value
    /// would stall where a random write does not); then one copy per value.
    private func scatter(_ parts: [TextColumn?], counts: [Int], bytes total: Int) -> TextColumn {
        let n = destination.count
        return destination.withUnsafeBufferPointer { destination in
            let offsets = [Int32](unsafeUninitializedCapacity: n + 1) { out, initialized in
                out[0] = 0
                var base = 0
                for (part, count) in zip(parts, counts) {
                    if let part {
                        part.offsets.withUnsafeBufferPointer { offsets in
                            for i in 0..<count { out[Int(destination[base + i]) + 1] = offsets[i + 1] - offsets[i] }
                        }
                    } else {
                        for i in 0..<count { out[Int(destination[base + i]) + 1] = 0 }
                    }
                    base += count
                }
                for i in 0..<n { out[i + 1] += out[i] }
                initialized = n + 1
            }
            let starts = [Int32](unsafeUninitializedCapacity: n) { out, initialized in
                sources.withUnsafeBufferPointer { sources in
                    for place in 0..<n { out[Int(sources[place])] = offsets[place] }
                }
                initialized = n
            }
            let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
                initialized = total
                guard let target = UnsafeMutableRawPointer(out.baseAddress) else { return }
                starts.withUnsafeBufferPointer { starts in
                    var base = 0
                    for (part, count) in zip(parts, counts) {
                        defer { base += count }
                        guard let part else { continue }
                        part.bytes.withUnsafeBytes { source in
                            part.offsets.withUnsafeBufferPointer { sourceOffsets in
                                guard let source = source.baseAddress else { return }
                                for i in 0..<count {
                                    let start = Int(sourceOffsets[i])
                                    let length = Int(sourceOffsets[i + 1]) - start
                                    ShortCopy.copy(source + start, to: target + Int(starts[base + i]), count: length)
                                }
                            }
                        }
                    }
                }
            }
            return TextColumn(bytes: bytes, offsets: offsets)
        }
    }
}

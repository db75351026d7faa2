import SluiceCore

extension Column {
    /// The rows at `rows`, in that order, where `-1` gives a null row. With `absentAsNull`
    /// (the added fields of a join) absent rows become null too, so every output record has
    /// every added field; otherwise presence is kept as it is (the left side of a join).
    ///
    /// One pass per array over typed storage; text is copied with one allocation.
    func gathering(_ rows: [Int32], absentAsNull: Bool) -> Column {
        let newPresence = Column.presenceGathering(rows, from: presence, absentAsNull: absentAsNull)
        switch storage {
        case .ints(let a): return Column(storage: .ints(Column.gather(a, rows, placeholder: 0)), presence: newPresence)
        case .doubles(let a): return Column(storage: .doubles(Column.gather(a, rows, placeholder: 0)), presence: newPresence)
        case .bools(let a): return Column(storage: .bools(Column.gather(a, rows, placeholder: false)), presence: newPresence)
        case .text(let t): return Column(storage: .text(Column.gather(t, rows)), presence: newPresence)
        case .dictionary: return flatteningDictionary().gathering(rows, absentAsNull: absentAsNull)
        case .values(let a): return Column(storage: .values(Column.gather(a, rows, placeholder: .null)), presence: newPresence)
        }
    }

    /// `source[rows[i]]`, or `placeholder` where `rows[i]` is `-1`.
    @inline(__always)
    private static func gather<T>(_ source: [T], _ rows: [Int32], placeholder: T) -> [T] {
        source.withUnsafeBufferPointer { source in
            rows.withUnsafeBufferPointer { rows in
                [T](unsafeUninitializedCapacity: rows.count) { out, initialized in
                    for i in 0..<rows.count {
                        let row = Int(rows[i])
                        out.initializeElement(at: i, to: row >= 0 ? source[row] : placeholder)
                    }
                    initialized = rows.count
                }
            }
        }
    }

    /// The presence of the gathered rows (`-1` rows null, absent ones null when
    /// `absentAsNull`); `nil` when all are present.
    private static func presenceGathering(_ rows: [Int32], from source: [Presence]?, absentAsNull: Bool) -> [Presence]? {
        var missing = false
        let gathered = rows.withUnsafeBufferPointer { rows in
            [Presence](unsafeUninitializedCapacity: rows.count) { out, initialized in
                if let source {
                    source.withUnsafeBufferPointer { source in
                        for i in 0..<rows.count {
                            let row = Int(rows[i])
                            var state = row >= 0 ? source[row] : .null
                            if state != .present {
                                missing = true
                                if absentAsNull { state = .null }
                            }
                            out.initializeElement(at: i, to: state)
                        }
                    }
                } else {
                    for i in 0..<rows.count {
                        let present = rows[i] >= 0
                        if !present { missing = true }
                        out.initializeElement(at: i, to: present ? .present : .null)
                    }
                }
                initialized = rows.count
            }
        }
        return missing ? gathered : nil
    }

    /// The texts at `rows`, empty where `rows[i]` is `-1`.
    ///
    /// Cells are usually a few bytes, where a `memcpy` call costs more than the copy, so
    /// they are moved a word at a time; the output has 8 spare bytes of capacity for the
    /// last word, and a cell too close to the end of the source is copied byte by byte.
    private static func gather(_ source: TextColumn, _ rows: [Int32]) -> TextColumn {
        source.offsets.withUnsafeBufferPointer { offsets in
            source.bytes.withUnsafeBytes { bytes in
                rows.withUnsafeBufferPointer { rows in
                    var total = 0
                    for row in rows where row >= 0 { total += Int(offsets[Int(row) + 1] &- offsets[Int(row)]) }
                    var newOffsets = [Int32](repeating: 0, count: rows.count + 1)
                    let newBytes = [UInt8](unsafeUninitializedCapacity: total + 8) { out, initialized in
                        guard let to = out.baseAddress.map(UnsafeMutableRawPointer.init), let from = bytes.baseAddress else {
                            initialized = 0
                            return
                        }
                        newOffsets.withUnsafeMutableBufferPointer { newOffsets in
                            var end = 0
                            for i in 0..<rows.count {
                                let row = Int(rows[i])
                                if row >= 0 {
                                    let start = Int(offsets[row])
                                    let length = Int(offsets[row + 1]) - start
                                    if start + ((length + 7) & ~7) <= bytes.count {
                                        var k = 0
                                        while k < length {
                                            to.storeBytes(
                                                of: from.loadUnaligned(fromByteOffset: start + k, as: UInt64.self), toByteOffset: end + k,
                                                as: UInt64.self)
                                            k += 8
                                        }
                                    } else {
                                        for k in 0..<length { to.storeBytes(of: bytes[start + k], toByteOffset: end + k, as: UInt8.self) }
                                    }
                                    end += length
                                }
                                newOffsets[i + 1] = Int32(truncatingIfNeeded: end)
                            }
                        }
                        initialized = total
                    }
                    return TextColumn(bytes: newBytes, offsets: newOffsets)
                }
            }
        }
    }
}

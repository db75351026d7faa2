import SluiceCore

extension Column {
    /// About how many bytes the column's storage holds: the typed arrays at their element
    /// size, text bytes plus offsets, one byte of presence per row, and for `[Value]` storage
    /// the enum cells plus the heap text of longer strings.
    var storageBytes: Int {
        let presenceBytes = presence?.count ?? 0
        switch storage {
        case .ints(let a): return a.count * 8 + presenceBytes
        case .doubles(let a): return a.count * 8 + presenceBytes
        case .bools(let a): return a.count + presenceBytes
        case .text(let t): return t.bytes.count + t.offsets.count * 4 + presenceBytes
        case .dictionary(let d): return d.codes.count * 4 + d.dictionary.bytes.count + d.dictionary.offsets.count * 4 + presenceBytes
        case .values(let a):
            var bytes = a.count * MemoryLayout<Value>.stride + presenceBytes
            for value in a { bytes += value.heapBytes }
            return bytes
        }
    }
}

extension Value {
    /// A rough count of the heap bytes behind a value: long strings' text (short ones live
    /// inline), and a header plus cells for arrays and objects (not recursively).
    var heapBytes: Int {
        switch self {
        case .string(let s):
            let count = s.utf8.count
            return count > 15 ? count + 32 : 0
        case .array(let items): return 32 + items.count * MemoryLayout<Value>.stride
        case .object(let object): return 64 + object.count * (MemoryLayout<Value>.stride + 32)
        case .null, .bool, .int, .double, .timestamp: return 0
        }
    }
}

extension RecordBatch {
    /// About how many bytes the batch's columns and positions hold.
    var storageBytes: Int {
        columns.reduce(count * 8) { $0 + $1.storageBytes }
    }
}

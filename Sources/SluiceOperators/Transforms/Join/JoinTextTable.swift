import SluiceCore

/// An open-addressing map from text keys (compared as UTF-8 bytes) to the first lookup row
/// holding that key, sized once for a known number of keys.
///
/// Each slot is 16 bytes holding everything a probe needs (hash tag, first row, where the
/// key's bytes are), so a probe costs about two cache misses: the slot and the key bytes. A
/// probe hashes the left cell's bytes in place and never makes a `String`.
struct JoinTextTable: Sendable {
    private struct Slot: Sendable {
        /// The high half of the key's hash (the low bits chose the slot).
        var tag: UInt32 = 0
        /// The first row holding the key; `-1` marks an empty slot.
        var head: Int32 = -1
        /// The key's bytes in ``JoinTextTable/bytes``.
        var start: Int32 = 0
        var length: Int32 = 0
    }

    /// The bytes of the indexed keys.
    private let bytes: [UInt8]
    private var slots: [Slot]
    private let mask: Int
    private let seed: UInt64

    /// Indexes entry `e` of `keys` → `rows[e]`, chaining repeated keys through `next` in row
    /// order. `rows` must be ascending. Sets `duplicates` when a key repeats.
    init(keys: TextColumn, rows: [Int32], next: inout [Int32], duplicates: inout Bool, seed: UInt64) {
        var size = 16
        while size < keys.count * 2 { size <<= 1 }
        bytes = keys.bytes
        slots = Array(repeating: Slot(), count: size)
        mask = size - 1
        self.seed = seed
        keys.bytes.withUnsafeBytes { bytes in
            for entry in stride(from: keys.count - 1, through: 0, by: -1) {
                let range = keys.range(entry)
                let key = UnsafeRawBufferPointer(rebasing: bytes[range])
                let h = hash(key)
                let tag = UInt32(truncatingIfNeeded: h >> 32)
                let row = rows[entry]
                var i = Int(truncatingIfNeeded: h) & mask
                while slots[i].head >= 0, !(slots[i].tag == tag && equal(slots[i], key, bytes)) { i = (i + 1) & mask }
                let previous = slots[i].head
                if previous >= 0 { duplicates = true }
                next[Int(row)] = previous
                slots[i] = Slot(tag: tag, head: row, start: Int32(truncatingIfNeeded: range.lowerBound), length: Int32(truncatingIfNeeded: range.count))
            }
        }
    }

    /// The first row whose key is `key`, or `-1`.
    func find(_ key: UnsafeRawBufferPointer) -> Int32 {
        bytes.withUnsafeBytes { bytes in slots.withUnsafeBufferPointer { slots in find(key, bytes, slots) } }
    }

    /// The first rows whose key is each of `probe`'s cells (`-1` when none or when the row is not present).
    func find(_ probe: TextColumn, presence: [Column.Presence]?, into out: UnsafeMutableBufferPointer<Int32>) {
        bytes.withUnsafeBytes { bytes in
            slots.withUnsafeBufferPointer { slots in
                probe.bytes.withUnsafeBytes { cells in
                    for row in 0..<probe.count {
                        if let presence, presence[row] != .present {
                            out[row] = -1
                        } else {
                            out[row] = find(UnsafeRawBufferPointer(rebasing: cells[probe.range(row)]), bytes, slots)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private func find(_ key: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer, _ slots: UnsafeBufferPointer<Slot>) -> Int32 {
        let h = hash(key)
        let tag = UInt32(truncatingIfNeeded: h >> 32)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot.head < 0 { return -1 }
            if slot.tag == tag, equal(slot, key, bytes) { return slot.head }
            i = (i + 1) & mask
        }
    }

    /// Whether the key stored for `slot` (in `bytes`) is `key`.
    @inline(__always)
    private func equal(_ slot: Slot, _ key: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = key.count
        guard Int(slot.length) == n else { return false }
        let start = Int(slot.start)
        var i = 0
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: start + i, as: UInt64.self) != key.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if bytes[start + i] != key[i] { return false }
            i += 1
        }
        return true
    }

    /// A 64-bit hash of `bytes`: each 8-byte word is folded in with a multiply and a rotate,
    /// and the result goes through a final avalanche so that both halves are well mixed (the
    /// low bits pick the slot, the high ones are the tag).
    @inline(__always)
    private func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var h = seed &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ (word &* 0xC2B2_AE3D_27D4_EB4F)).rotateLeft(27) &* 0x1656_67B1_9E37_79F9
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(bytes[i]) << shift
                shift &+= 8
                i += 1
            }
            h = (h ^ (tail &* 0xC2B2_AE3D_27D4_EB4F)).rotateLeft(27) &* 0x1656_67B1_9E37_79F9
        }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}

extension UInt64 {
    /// The bits rotated left by `k` (0 < k < 64).
    @inline(__always)
    fileprivate func rotateLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}

/// An open-addressing hash map from byte strings to dense codes, for text group keys.
///
/// Keys are copied once into one arena, so hashing a text column compares bytes in place and
/// never builds a `String` per row.
struct TextCodeTable: Sendable {
    private var arena: [UInt8] = []
    /// Entry `e` spans `arena[ends[e - 1]..<ends[e]]` (from 0 for the first).
    private var ends: [Int] = []
    private var entryCodes: [Int32] = []
    private var entryHashes: [UInt64] = []
    /// The entry in each slot; `-1` marks an empty slot.
    private var slots: [Int32]
    private var mask: Int
    private let seed: UInt64

    /// An empty table; `seed` varies the hash so that crafted keys cannot force collisions.
    init(seed: UInt64) {
        slots = Array(repeating: -1, count: 16)
        mask = 15
        self.seed = seed
    }

    /// A 64-bit hash of `bytes`, eight bytes per step.
    @inline(__always)
    func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xbf58_476d_1ce4_e5b9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xbf58_476d_1ce4_e5b9
        }
        h ^= h >> 29
        h &*= 0x94d0_49bb_1331_11eb
        h ^= h >> 32
        return h
    }

    /// The code of `bytes`, inserting `next` as its code when the text is new.
    @inline(__always)
    mutating func findOrInsert(_ bytes: UnsafeRawBufferPointer, next: Int32) -> Int32 {
        let h = hash(bytes)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[i])
            if entry < 0 { break }
            if entryHashes[entry] == h, matches(entry, bytes) { return entryCodes[entry] }
            i = (i + 1) & mask
        }
        slots[i] = Int32(entryCodes.count)
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        entryCodes.append(next)
        entryHashes.append(h)
        if entryCodes.count * 2 > slots.count { grow() }
        return next
    }

    @inline(__always)
    private func matches(_ entry: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = entry == 0 ? 0 : ends[entry - 1]
        let end = ends[entry]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBytes { arena in
            bytes.isEmpty || memcmpEqual(arena.baseAddress.map { $0 + start }, bytes.baseAddress, bytes.count)
        }
    }

    @inline(__always)
    private func memcmpEqual(_ a: UnsafeRawPointer?, _ b: UnsafeRawPointer?, _ count: Int) -> Bool {
        guard let a, let b else { return count == 0 }
        var i = 0
        while i + 8 <= count {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < count {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (entry, h) in entryHashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(entry)
        }
    }
}

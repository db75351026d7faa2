/// An open-addressing hash map from byte strings to dense codes, for text group keys.
///
/// Keys are copied once into one arena, so hashing a text column compares bytes in place and
/// never builds a `String` per row. Each slot packs the entry number with 32 bits of its
/// key's hash, so a probe touches one cache line of slots and reaches the arena only when
/// those bits match: with hundreds of thousands of keys, cache misses are the cost.
struct TextCodeTable: Sendable {
    private var arena: [UInt8] = []
    /// Entry `e` spans `arena[ends[e - 1]..<ends[e]]` (from 0 for the first).
    private var ends: [Int] = []
    private var entryCodes: [Int32] = []
    /// Per slot: the high 32 bits of the key's hash, then entry + 1; 0 marks an empty slot.
    private var slots: [UInt64]
    private var mask: Int
    private let seed: UInt64

    /// An empty table; `seed` varies the hash so that crafted keys cannot force collisions.
    init(seed: UInt64) {
        slots = Array(repeating: 0, count: 16)
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
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(slot & 0xFFFF_FFFF) - 1
                if matches(entry, bytes) { return entryCodes[entry] }
            }
            i = (i + 1) & mask
        }
        slots[i] = tag | UInt64(entryCodes.count + 1)
        arena.append(contentsOf: bytes)
        ends.append(arena.count)
        entryCodes.append(next)
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

    /// The number of keys stored.
    var count: Int { entryCodes.count }

    /// Each key's place in byte order (0 for the smallest), by insertion index.
    ///
    /// Sorting the distinct keys once lets callers order rows by one integer each; keys that
    /// share long prefixes (dates, ids) would otherwise cost a byte comparison per row pair.
    /// The keys are distinct, so their dense ranks in byte order are their places.
    func ranksInByteOrder() -> [Int] {
        var offsets = [Int](repeating: 0, count: ends.count + 1)
        for (entry, end) in ends.enumerated() { offsets[entry + 1] = end }
        let ranks = arena.withUnsafeBytes { arena in
            offsets.withUnsafeBufferPointer { ByteOrderRanks.denseRanks(bytes: arena, offsets: $0).ranks }
        }
        return ranks.map { Int($0) }
    }

    /// The bytes of all keys, back to back.
    var keyBytes: Int { arena.count }

    /// The bytes the table holds: the key bytes, four words of bookkeeping per key, and the slots.
    var estimatedBytes: Int {
        arena.capacity + ends.capacity * 8 + entryCodes.capacity * 4 + slots.capacity * 8
    }

    /// Doubles the slots, rehashing every key from the arena (hashes are not stored, to keep
    /// a key's bookkeeping small).
    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        arena.withUnsafeBytes { arena in
            var start = 0
            for (entry, end) in ends.enumerated() {
                let h = hash(UnsafeRawBufferPointer(rebasing: arena[start..<end]))
                start = end
                var i = Int(truncatingIfNeeded: h) & mask
                while slots[i] != 0 { i = (i + 1) & mask }
                slots[i] = h & 0xFFFF_FFFF_0000_0000 | UInt64(entry + 1)
            }
        }
    }
}

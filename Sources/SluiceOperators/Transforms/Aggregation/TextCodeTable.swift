import SluiceCore

/// An open-addressing hash map from byte strings to dense codes, for text group keys.
///
/// Keys are copied once into one arena, each entry its length, its code and its bytes side by
/// side, so hashing a text column compares bytes in place and never builds a `String` per
/// row. Each slot packs the entry's arena offset with the top 24 bits of its key's hash: a
/// probe touches one slot and, only when those bits match, one entry (with its code). With
/// hundreds of thousands of keys both are cache misses, so ``codes(bytes:offsets:rows:presence:nullCode:next:into:inserted:)``
/// works on blocks of rows: it hashes a block and touches its slots, then touches the
/// entries those slots name, then resolves each row, so the misses of a block overlap
/// instead of following one another.
///
/// The table is a value: copies share the arena until one of them changes it.
struct TextCodeTable: Sendable {
    private var storage: TextCodeStorage
    private let seed: UInt64

    /// An empty table; `seed` varies the hash so that crafted keys cannot force collisions.
    init(seed: UInt64) {
        storage = TextCodeStorage(seed: seed)
        self.seed = seed
    }

    /// A 64-bit hash of `bytes`, eight bytes per step (the last step overlapping the one
    /// before when the length is not a multiple of eight).
    @inline(__always)
    func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        Self.hash(bytes.baseAddress, bytes.count, seed: seed)
    }

    @inline(__always)
    static func hash(_ p: UnsafeRawPointer?, _ n: Int, seed: UInt64) -> UInt64 {
        let k: UInt64 = 0xbf58_476d_1ce4_e5b9
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15)
        if let p, n > 0 {
            if n >= 8 {
                var i = 0
                while i + 8 < n {
                    h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
                    h ^= h >> 31
                    i += 8
                }
                h = (h ^ p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* k
            } else if n >= 4 {
                let low = UInt64(p.loadUnaligned(as: UInt32.self))
                let high = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
                h = (h ^ (low | high << 32)) &* k
            } else {
                let a = UInt64(p.load(as: UInt8.self))
                let b = UInt64(p.load(fromByteOffset: n >> 1, as: UInt8.self))
                let c = UInt64(p.load(fromByteOffset: n - 1, as: UInt8.self))
                h = (h ^ (a | b << 8 | c << 16)) &* k
            }
        }
        h ^= h >> 29
        h &*= 0x94d0_49bb_1331_11eb
        h ^= h >> 32
        return h
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The code of `bytes`, inserting `next` as its code when the text is new.
    @inline(__always)
    mutating func findOrInsert(_ bytes: UnsafeRawBufferPointer, next: Int32) -> Int32 {
        makeUnique()
        var counter = next
        let code = storage.findOrInsert(bytes.baseAddress, bytes.count, hash: hash(bytes), next: &counter)
        return code
    }

    /// Writes the code of rows `rows` of a text column (`bytes`, `offsets`) to `codes`
    /// (indexed by row), rows whose presence is not `present` getting `nullCode`. New keys
    /// get `next`, `next + 1`, … in row order (and `next` ends past them); their rows are
    /// appended to `inserted`.
    mutating func codes(
        bytes: UnsafeRawBufferPointer, offsets: UnsafePointer<Int32>, rows: Range<Int>, presence: UnsafePointer<Column.Presence>?,
        nullCode: Int32, next: inout Int32, into codes: UnsafeMutablePointer<Int32>, inserted: inout [Int]
    ) {
        makeUnique()
        storage.codes(
            bytes: bytes.baseAddress, offsets: offsets, rows: rows, presence: presence, nullCode: nullCode, next: &next,
            into: codes, inserted: &inserted)
    }

    /// The number of keys stored.
    var count: Int { storage.count }

    /// Each key's place in byte order (0 for the smallest), by insertion index.
    ///
    /// Sorting the distinct keys once lets callers order rows by one integer each; keys that
    /// share long prefixes (dates, ids) would otherwise cost a byte comparison per row pair.
    /// The keys are distinct, so their dense ranks in byte order are their places.
    func ranksInByteOrder() -> [Int] {
        let (bytes, offsets) = storage.keysInOrder()
        let ranks = bytes.withUnsafeBytes { arena in
            offsets.withUnsafeBufferPointer { ByteOrderRanks.denseRanks(bytes: arena, offsets: $0).ranks }
        }
        return ranks.map { Int($0) }
    }

    /// The bytes of all keys, back to back.
    var keyBytes: Int { storage.keyBytes }

    /// The bytes the table holds: the arena (keys with their lengths and codes) and the slots.
    var estimatedBytes: Int { storage.arenaCapacity + storage.slotCount * 8 }
}

/// The memory of a ``TextCodeTable``: the slots and the arena of entries.
///
/// An entry at an 8-aligned offset `o` of the arena holds the key's length (`UInt32`) at `o`,
/// its code (`Int32`) at `o + 4` and its bytes from `o + 8`, padded to a multiple of eight.
/// A slot is 0 when empty, else the top 24 bits of the key's hash above `o / 8 + 1`.
final class TextCodeStorage: @unchecked Sendable {
    private static let entryBits: UInt64 = 40
    private static let entryMask: UInt64 = (1 << 40) - 1
    private static let blockRows = 64

    private(set) var slots: UnsafeMutablePointer<UInt64>
    private(set) var slotCount: Int
    private(set) var arena: UnsafeMutableRawPointer
    private(set) var arenaUsed = 0
    private(set) var arenaCapacity: Int
    private(set) var count = 0
    private(set) var keyBytes = 0
    /// Where the loads that only warm the cache go, so they are not optimized away.
    private var sink: UInt64 = 0
    /// The seed of the owning table's hash.
    private let seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
        slotCount = 16
        slots = .allocate(capacity: 16)
        slots.initialize(repeating: 0, count: 16)
        arenaCapacity = 256
        arena = .allocate(byteCount: 256, alignment: 8)
    }

    private init(copying other: TextCodeStorage) {
        seed = other.seed
        slotCount = other.slotCount
        slots = .allocate(capacity: other.slotCount)
        slots.initialize(from: other.slots, count: other.slotCount)
        arenaCapacity = other.arenaCapacity
        arena = .allocate(byteCount: other.arenaCapacity, alignment: 8)
        arena.copyMemory(from: other.arena, byteCount: other.arenaUsed)
        arenaUsed = other.arenaUsed
        count = other.count
        keyBytes = other.keyBytes
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    func copy() -> TextCodeStorage { TextCodeStorage(copying: self) }

    @inline(__always)
    private static func tag(_ h: UInt64) -> UInt64 { h >> entryBits }

    /// Whether the entry at `offset` of `arena` holds exactly the `n` bytes at `p`.
    @inline(__always)
    private static func matches(_ arena: UnsafeMutableRawPointer, _ offset: Int, _ p: UnsafeRawPointer?, _ n: Int) -> Bool {
        guard Int(arena.load(fromByteOffset: offset, as: UInt32.self)) == n else { return false }
        guard let p, n > 0 else { return true }
        let key = UnsafeRawPointer(arena + offset + 8)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if key.loadUnaligned(fromByteOffset: i, as: UInt64.self) != p.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            return key.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return key.loadUnaligned(as: UInt32.self) == p.loadUnaligned(as: UInt32.self)
                && key.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        for i in 0..<n where key.load(fromByteOffset: i, as: UInt8.self) != p.load(fromByteOffset: i, as: UInt8.self) { return false }
        return true
    }

    /// The code of the `n` bytes at `p` with hash `h`; when new, inserts `next` as its code
    /// and advances `next`.
    @inline(__always)
    func findOrInsert(_ p: UnsafeRawPointer?, _ n: Int, hash h: UInt64, next: inout Int32) -> Int32 {
        let tag = Self.tag(h)
        let mask = slotCount - 1
        let slots = self.slots
        let arena = self.arena
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if slot >> Self.entryBits == tag {
                let offset = Int((slot & Self.entryMask) - 1) << 3
                if Self.matches(arena, offset, p, n) { return arena.load(fromByteOffset: offset + 4, as: Int32.self) }
            }
            i = (i + 1) & mask
        }
        let code = next
        insert(p, n, tag: tag, slot: i, code: code)
        next += 1
        return code
    }

    /// Adds an entry for the `n` bytes at `p` with code `code`, in the empty slot `slot`.
    @inline(never)
    private func insert(_ p: UnsafeRawPointer?, _ n: Int, tag: UInt64, slot: Int, code: Int32) {
        let size = 8 + (n + 7) & ~7
        if arenaUsed + size > arenaCapacity {
            var capacity = arenaCapacity * 2
            while capacity < arenaUsed + size { capacity *= 2 }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            grown.copyMemory(from: arena, byteCount: arenaUsed)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }
        let offset = arenaUsed
        arena.storeBytes(of: UInt32(truncatingIfNeeded: n), toByteOffset: offset, as: UInt32.self)
        arena.storeBytes(of: code, toByteOffset: offset + 4, as: Int32.self)
        if let p, n > 0 { (arena + offset + 8).copyMemory(from: p, byteCount: n) }
        // Zero the padding, so the arena's bytes are all defined.
        for k in (offset + 8 + n)..<(offset + size) { arena.storeBytes(of: 0, toByteOffset: k, as: UInt8.self) }
        arenaUsed += size
        slots[slot] = tag << Self.entryBits | (UInt64(offset >> 3) + 1)
        count += 1
        keyBytes += n
        if count * 2 > slotCount { grow() }
    }

    /// Doubles the slots, rehashing every key from the arena (hashes are not stored, to keep
    /// an entry small). `seed`-independent: the slots keep each key's hash bits.
    private func grow() {
        let newCount = slotCount * 2
        let newSlots = UnsafeMutablePointer<UInt64>.allocate(capacity: newCount)
        newSlots.initialize(repeating: 0, count: newCount)
        let mask = newCount - 1
        // A slot keeps only 24 bits of its key's hash, so the new index needs the hash again.
        for old in 0..<slotCount {
            let slot = slots[old]
            guard slot != 0 else { continue }
            let offset = Int((slot & Self.entryMask) - 1) << 3
            let n = Int(arena.load(fromByteOffset: offset, as: UInt32.self))
            let h = TextCodeTable.hash(UnsafeRawPointer(arena + offset + 8), n, seed: seed)
            var i = Int(truncatingIfNeeded: h) & mask
            while newSlots[i] != 0 { i = (i + 1) & mask }
            newSlots[i] = slot
        }
        slots.deallocate()
        slots = newSlots
        slotCount = newCount
    }

    /// See ``TextCodeTable/codes(bytes:offsets:rows:presence:nullCode:next:into:inserted:)``.
    func codes(
        bytes: UnsafeRawPointer?, offsets: UnsafePointer<Int32>, rows: Range<Int>, presence: UnsafePointer<Column.Presence>?,
        nullCode: Int32, next: inout Int32, into codes: UnsafeMutablePointer<Int32>, inserted: inout [Int]
    ) {
        let seed = self.seed
        if slotCount <= 1 << 13, arenaUsed <= 1 << 16 {
            // A table this small stays in cache: look each row up directly.
            for r in rows {
                if let presence, presence[r] != .present {
                    codes[r] = nullCode
                    continue
                }
                let start = Int(offsets[r])
                let p = bytes.map { $0 + start }
                let n = Int(offsets[r + 1]) - start
                let before = next
                codes[r] = findOrInsert(p, n, hash: TextCodeTable.hash(p, n, seed: seed), next: &next)
                if next != before { inserted.append(r) }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.blockRows * 2) { scratch in
            let hashes = scratch.baseAddress!
            let candidates = hashes + Self.blockRows
            var sink: UInt64 = 0
            var blockStart = rows.lowerBound
            while blockStart < rows.upperBound {
                let blockEnd = min(blockStart + Self.blockRows, rows.upperBound)
                // Hash the block's keys, then touch their first slots in a loop of loads alone,
                // so that the cache misses overlap.
                var mask = slotCount - 1
                var slots = self.slots
                for r in blockStart..<blockEnd {
                    if let presence, presence[r] != .present {
                        hashes[r - blockStart] = 0
                        continue
                    }
                    let start = Int(offsets[r])
                    hashes[r - blockStart] = TextCodeTable.hash(bytes.map { $0 + start }, Int(offsets[r + 1]) - start, seed: seed)
                }
                for k in 0..<(blockEnd - blockStart) { sink &+= slots[Int(truncatingIfNeeded: hashes[k]) & mask] }
                // Find each key's first slot with matching hash bits, then touch those entries.
                var arena = self.arena
                for r in blockStart..<blockEnd {
                    let h = hashes[r - blockStart]
                    let tag = Self.tag(h)
                    var i = Int(truncatingIfNeeded: h) & mask
                    var candidate = UInt64.max
                    while true {
                        let slot = slots[i]
                        if slot == 0 { break }
                        if slot >> Self.entryBits == tag {
                            candidate = UInt64((slot & Self.entryMask) - 1) << 3
                            break
                        }
                        i = (i + 1) & mask
                    }
                    candidates[r - blockStart] = candidate
                }
                // An entry (eight bytes of length and code, then the key) often spans two
                // cache lines: touch its first word and, for a key of this row's length, its last.
                let used = arenaUsed
                for k in 0..<(blockEnd - blockStart) where candidates[k] != UInt64.max {
                    let entry = Int(candidates[k])
                    let length = Int(offsets[blockStart + k + 1] - offsets[blockStart + k])
                    sink &+= arena.load(fromByteOffset: entry, as: UInt64.self)
                    if entry + 8 + length <= used { sink &+= UInt64(arena.load(fromByteOffset: entry + 7 + length, as: UInt8.self)) }
                }
                // Resolve each row in order, inserting new keys.
                for r in blockStart..<blockEnd {
                    if let presence, presence[r] != .present {
                        codes[r] = nullCode
                        continue
                    }
                    let start = Int(offsets[r])
                    let n = Int(offsets[r + 1]) - start
                    let p = bytes.map { $0 + start }
                    let candidate = candidates[r - blockStart]
                    if candidate != UInt64.max, Self.matches(arena, Int(candidate), p, n) {
                        codes[r] = arena.load(fromByteOffset: Int(candidate) + 4, as: Int32.self)
                        continue
                    }
                    let before = next
                    codes[r] = findOrInsert(p, n, hash: hashes[r - blockStart], next: &next)
                    if next != before {
                        inserted.append(r)
                        arena = self.arena
                        slots = self.slots
                        mask = slotCount - 1
                    }
                }
                blockStart = blockEnd
            }
            self.sink ^= sink
        }
    }

    /// The keys back to back in insertion order, with `count + 1` offsets.
    func keysInOrder() -> (bytes: [UInt8], offsets: [Int]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keyBytes)
        var offsets = [0]
        offsets.reserveCapacity(count + 1)
        var offset = 0
        while offset < arenaUsed {
            let n = Int(arena.load(fromByteOffset: offset, as: UInt32.self))
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: arena + offset + 8, count: n))
            offsets.append(bytes.count)
            offset += 8 + (n + 7) & ~7
        }
        return (bytes, offsets)
    }
}

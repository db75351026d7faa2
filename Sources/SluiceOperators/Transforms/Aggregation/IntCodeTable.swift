/// An open-addressing hash map from 64-bit keys to dense codes, for group keys that are
/// numbers (or pairs of codes packed into one word).
///
/// Linear probing over two flat arrays keeps a lookup to a hash, a multiply and usually one
/// cache line; Swift's `Dictionary` costs several times that per row.
struct IntCodeTable: Sendable {
    private var keys: [UInt64]
    /// The code in each slot; `-1` marks an empty slot.
    private var codes: [Int32]
    private var mask: Int
    private let seed: UInt64
    /// The number of keys stored.
    private(set) var count = 0

    /// An empty table; `seed` varies the hash so that crafted keys cannot force collisions.
    init(seed: UInt64, capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        codes = Array(repeating: -1, count: size)
        mask = size - 1
        self.seed = seed
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        // The murmur3 finalizer: every input bit affects every output bit.
        var x = key ^ seed
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b3fe_1a85_ec53
        x ^= x >> 33
        return Int(truncatingIfNeeded: x) & mask
    }

    /// The code of `key`, inserting `next` as its code when the key is new.
    @inline(__always)
    mutating func findOrInsert(_ key: UInt64, next: Int32) -> Int32 {
        var i = slot(key)
        while true {
            let code = codes[i]
            if code < 0 { break }
            if keys[i] == key { return code }
            i = (i + 1) & mask
        }
        keys[i] = key
        codes[i] = next
        count += 1
        if count * 2 > codes.count { grow() }
        return next
    }

    /// The code of `key`, if present.
    func find(_ key: UInt64) -> Int32? {
        var i = slot(key)
        while codes[i] >= 0 {
            if keys[i] == key { return codes[i] }
            i = (i + 1) & mask
        }
        return nil
    }

    /// The bytes the table holds (both slot arrays).
    var estimatedBytes: Int { keys.capacity * 8 + codes.capacity * 4 }

    private mutating func grow() {
        let oldKeys = keys
        let oldCodes = codes
        keys = Array(repeating: 0, count: oldCodes.count * 2)
        codes = Array(repeating: -1, count: oldCodes.count * 2)
        mask = codes.count - 1
        for (key, code) in zip(oldKeys, oldCodes) where code >= 0 {
            var i = slot(key)
            while codes[i] >= 0 { i = (i + 1) & mask }
            keys[i] = key
            codes[i] = code
        }
    }
}

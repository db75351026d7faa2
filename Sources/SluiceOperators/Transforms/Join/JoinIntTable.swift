import SluiceCore

/// An open-addressing map from 64-bit keys to the first lookup row holding that key, sized
/// once for a known number of keys (a join's right side is complete before it is built).
///
/// Linear probing over two flat arrays keeps a probe to a hash and usually one cache line.
/// Later rows with the same key are chained through the join's `next` array, so the table
/// holds each distinct key once.
struct JoinIntTable: Sendable {
    private var keys: [UInt64]
    /// The first row of the key in each slot; `-1` marks an empty slot.
    private var heads: [Int32]
    private let mask: Int
    private let seed: UInt64

    /// An empty table with room for `capacity` distinct keys at a load of at most one half;
    /// `seed` varies the hash so that crafted keys cannot force collisions.
    init(capacity: Int, seed: UInt64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        heads = Array(repeating: -1, count: size)
        mask = size - 1
        self.seed = seed
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        // A multiply–xorshift mixer (the SplitMix64 finalizer), so sequential ids spread out.
        var x = key ^ seed
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Int(truncatingIfNeeded: x) & mask
    }

    /// Makes `row` the first row of `key` and returns the previous first row (`-1` if new).
    /// Rows are pushed last to first so that each chain runs in lookup order.
    @inline(__always)
    mutating func push(_ key: UInt64, row: Int32) -> Int32 {
        var i = slot(key)
        while true {
            let head = heads[i]
            if head < 0 { break }
            if keys[i] == key {
                heads[i] = row
                return head
            }
            i = (i + 1) & mask
        }
        keys[i] = key
        heads[i] = row
        return -1
    }

    /// The first row holding `key`, or `-1`.
    @inline(__always)
    func find(_ key: UInt64) -> Int32 {
        keys.withUnsafeBufferPointer { keys in
            heads.withUnsafeBufferPointer { heads in find(key, keys: keys, heads: heads) }
        }
    }

    /// The first rows holding each of `probe`'s keys (`-1` when none, or when the row is not present).
    func find(_ probe: UnsafeBufferPointer<Int>, presence: [Column.Presence]?, into out: UnsafeMutableBufferPointer<Int32>) {
        keys.withUnsafeBufferPointer { keys in
            heads.withUnsafeBufferPointer { heads in
                if let presence {
                    for i in 0..<probe.count {
                        out[i] = presence[i] == .present ? find(UInt64(bitPattern: Int64(probe[i])), keys: keys, heads: heads) : -1
                    }
                } else {
                    for i in 0..<probe.count { out[i] = find(UInt64(bitPattern: Int64(probe[i])), keys: keys, heads: heads) }
                }
            }
        }
    }

    @inline(__always)
    private func find(_ key: UInt64, keys: UnsafeBufferPointer<UInt64>, heads: UnsafeBufferPointer<Int32>) -> Int32 {
        var i = slot(key)
        while true {
            let head = heads[i]
            if head < 0 || keys[i] == key { return head }
            i = (i + 1) & mask
        }
    }
}

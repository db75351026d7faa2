/// A dictionary of fixed-width values (INT32, INT64, FLOAT, DOUBLE held as their bit
/// patterns): an open-addressing hash table from value to index, and the distinct values in
/// first-seen order.
///
/// Keys are bit patterns, so `-0.0` and `0.0`, and NaNs with different payloads, are distinct
/// entries: the file gives back exactly the bits written.
struct FixedWidthDictionary {
    /// The distinct values in index order.
    private(set) var entries: [UInt64] = []
    /// Index + 1 of the entry in each slot; 0 is empty.
    private var slots: [UInt32]
    private var shift: Int

    init(expectedCount: Int) {
        var capacity = 1024
        while capacity < expectedCount * 2, capacity < 1 << 30 { capacity <<= 1 }
        slots = [UInt32](repeating: 0, count: capacity)
        shift = 64 - capacity.trailingZeroBitCount
        entries.reserveCapacity(Swift.min(expectedCount, 1 << 16))
    }

    /// The number of distinct values.
    var count: Int { entries.count }

    /// The index of `key`, adding it when new.
    @inline(__always)
    mutating func index(of key: UInt64) -> UInt32 {
        if entries.count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
        while true {
            let stored = slots[slot]
            if stored == 0 {
                entries.append(key)
                let index = UInt32(truncatingIfNeeded: entries.count)
                slots[slot] = index
                return index - 1
            }
            if entries[Int(stored) - 1] == key { return stored - 1 }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [UInt32](repeating: 0, count: capacity)
        shift = 64 - capacity.trailingZeroBitCount
        let mask = capacity - 1
        for (i, key) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(truncatingIfNeeded: i + 1)
        }
    }
}

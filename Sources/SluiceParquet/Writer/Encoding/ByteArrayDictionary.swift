#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dictionary of byte strings (BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values), hashed on their
/// bytes: an open-addressing table from value to index, and the distinct values back to back
/// in first-seen order.
struct ByteArrayDictionary {
    /// The distinct values' bytes, back to back.
    private(set) var bytes: [UInt8] = []
    /// Entry `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    private(set) var offsets: [Int] = [0]
    /// Each entry's hash, checked before its bytes are compared.
    private var hashes: [UInt64] = []
    /// Index + 1 of the entry in each slot; 0 is empty.
    private var slots: [UInt32]
    private var shift: Int

    init(expectedCount: Int) {
        var capacity = 1024
        while capacity < expectedCount * 2, capacity < 1 << 30 { capacity <<= 1 }
        slots = [UInt32](repeating: 0, count: capacity)
        shift = 64 - capacity.trailingZeroBitCount
    }

    /// The number of distinct values.
    var count: Int { hashes.count }

    /// The index of `value`, adding it when new.
    @inline(__always)
    mutating func index(of value: UnsafeRawBufferPointer) -> UInt32 {
        if hashes.count * 2 >= slots.count { grow() }
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> UInt64(shift))
        while true {
            let stored = slots[slot]
            if stored == 0 {
                hashes.append(hash)
                bytes.append(contentsOf: value)
                offsets.append(bytes.count)
                slots[slot] = UInt32(truncatingIfNeeded: hashes.count)
                return UInt32(truncatingIfNeeded: hashes.count - 1)
            }
            let entry = Int(stored) - 1
            if hashes[entry] == hash, equals(entry, value) { return stored - 1 }
            slot = (slot + 1) & mask
        }
    }

    private func equals(_ entry: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[entry]
        let length = offsets[entry + 1] - start
        guard length == value.count else { return false }
        guard length > 0, let base = value.baseAddress else { return true }
        return bytes.withUnsafeBytes { all in
            guard let stored = all.baseAddress else { return false }
            return memcmp(stored + start, base, length) == 0
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [UInt32](repeating: 0, count: capacity)
        shift = 64 - capacity.trailingZeroBitCount
        let mask = capacity - 1
        for (i, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash >> UInt64(shift))
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(truncatingIfNeeded: i + 1)
        }
    }

    /// A fast multiplicative hash of `value`'s bytes, eight at a time, finished so the high
    /// bits (which pick the slot) depend on every byte.
    @inline(__always)
    static func hash(_ value: UnsafeRawBufferPointer) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(truncatingIfNeeded: value.count) &* k
        var i = 0
        let count = value.count
        while i + 8 <= count {
            let word = value.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* k
            h ^= h >> 29
            i += 8
        }
        if i < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                tail |= UInt64(value[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* k
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }
}

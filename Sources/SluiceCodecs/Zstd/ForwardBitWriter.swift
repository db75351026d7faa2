// The forward bit writer of zstd compression, written from scratch for Sluice.

/// Writes a bitstream least-significant bit first; ``close()`` adds the end marker the
/// backward reader looks for.
struct ForwardBitWriter {
    private(set) var bytes: [UInt8] = []
    private var accumulator: UInt64 = 0
    private var count = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Appends the low `bits` (≤ 32) bits of `value`.
    @inline(__always)
    mutating func add(_ value: Int, bits: Int) {
        accumulator |= (UInt64(truncatingIfNeeded: value) & ((1 << UInt64(bits)) &- 1)) << UInt64(count)
        count += bits
        if count >= 32 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 8))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 16))
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> 24))
            accumulator >>= 32
            count -= 32
        }
    }

    /// Pads to a whole byte, without an end marker (for table descriptions).
    mutating func padded() -> [UInt8] {
        while count > 0 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            count -= 8
        }
        count = 0
        return bytes
    }

    /// Adds the end marker (a 1 bit) and pads to a whole byte.
    mutating func close() -> [UInt8] {
        add(1, bits: 1)
        while count > 0 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            count -= 8
        }
        count = 0
        return bytes
    }
}

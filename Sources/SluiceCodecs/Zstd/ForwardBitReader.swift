// The forward bit reader of zstd table descriptions, written from scratch for Sluice.

/// Reads a little-endian forward bitstream with bounds: reads past the end yield zeros, and
/// ``bitPosition`` tells how far it went.
struct ForwardBitReader {
    let bytes: UnsafeRawBufferPointer
    var bitPosition = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next `count` (≤ 32) bits, not consumed.
    func peek(_ count: Int) -> Int {
        var value: UInt64 = 0
        let first = bitPosition >> 3
        var i = 0
        while i < 5 && first + i < bytes.count {
            value |= UInt64(bytes[first + i]) << (8 * i)
            i += 1
        }
        return Int(truncatingIfNeeded: (value >> UInt64(bitPosition & 7)) & ((1 << UInt64(count)) - 1))
    }

    mutating func skip(_ count: Int) { bitPosition += count }

    var isPastEnd: Bool { bitPosition > bytes.count * 8 }
    var bytesUsed: Int { (bitPosition + 7) >> 3 }
}

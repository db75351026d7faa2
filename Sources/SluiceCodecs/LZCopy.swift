// The overlapping back-reference copy of the LZ decoders (snappy, LZ4, zstd), written from
// scratch for Sluice.

/// The back-reference copy shared by the LZ decoders (snappy, LZ4, zstd).
enum LZCopy {
    /// Copies `length` bytes from `offset` bytes back to `destination`, where the source may
    /// overlap the destination (a repeating pattern). May write up to 15 bytes past
    /// `destination + length`: the caller guarantees that much writable slack.
    @inline(__always)
    static func match(_ destination: UnsafeMutableRawPointer, offset: Int, length: Int) {
        let source = UnsafeRawPointer(destination - offset)
        if offset >= 16 {
            if length <= 32 {
                destination.storeBytes(of: source.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                if length > 16 {
                    (destination + 16).storeBytes(of: (source + 16).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                }
            } else if offset >= length {
                destination.copyMemory(from: source, byteCount: length)
            } else {
                var i = 0
                while i < length {
                    (destination + i).storeBytes(of: (source + i).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                    i += 16
                }
            }
        } else if offset >= 8 {
            var i = 0
            while i < length {
                (destination + i).storeBytes(of: (source + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
                i += 8
            }
        } else {
            // A short period: the first `period` bytes (a whole number of repetitions, at
            // least 8) byte by byte, then 8-byte chunks read `period` back, never from bytes
            // not yet written.
            let period = offset * ((8 + offset - 1) / offset)
            let head = min(length, period)
            var i = 0
            while i < head {
                (destination + i).storeBytes(of: (source + i).load(as: UInt8.self), as: UInt8.self)
                i += 1
            }
            while i < length {
                (destination + i).storeBytes(of: (destination + i - period).loadUnaligned(as: UInt64.self), as: UInt64.self)
                i += 8
            }
        }
    }
}

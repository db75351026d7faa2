// Match-length measurement of the LZ compressors (snappy, LZ4, zstd), written from scratch
// for Sluice.

/// Match-length measurement shared by the LZ compressors.
enum LZMatch {
    /// How many bytes at `a` and `b` are equal, up to `limit`; reads no further than `limit`
    /// bytes from either.
    @inline(__always)
    static func length(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, limit: Int) -> Int {
        var n = 0
        while n + 8 <= limit {
            let x = a.loadUnaligned(fromByteOffset: n, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: n, as: UInt64.self)
            if x != 0 { return n + x.trailingZeroBitCount >> 3 }
            n += 8
        }
        while n < limit && a.load(fromByteOffset: n, as: UInt8.self) == b.load(fromByteOffset: n, as: UInt8.self) { n += 1 }
        return n
    }
}

/// Copies of short byte runs (most text cells) with a few overlapping word moves rather than
/// a call into `memcpy`, for the gathers that copy one text value at a time.
enum ShortCopy {
    /// Copies `count` bytes from `source` to `target` (the ranges must not overlap).
    @inline(__always)
    static func copy(_ source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int) {
        if count >= 8 {
            guard count <= 32 else {
                target.copyMemory(from: source, byteCount: count)
                return
            }
            // Words at 0, 8 and 16 as far as needed, and one ending at the last byte.
            move(UInt64.self, source, target, at: 0)
            if count > 16 { move(UInt64.self, source, target, at: 8) }
            if count > 24 { move(UInt64.self, source, target, at: 16) }
            move(UInt64.self, source, target, at: count - 8)
        } else if count >= 4 {
            move(UInt32.self, source, target, at: 0)
            move(UInt32.self, source, target, at: count - 4)
        } else {
            for i in 0..<count { move(UInt8.self, source, target, at: i) }
        }
    }

    @inline(__always)
    private static func move<T: FixedWidthInteger>(_ type: T.Type, _ source: UnsafeRawPointer, _ target: UnsafeMutableRawPointer, at offset: Int) {
        target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: T.self), toByteOffset: offset, as: T.self)
    }
}

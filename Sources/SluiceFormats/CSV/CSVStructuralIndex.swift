/// Finds the delimiters and line feeds of a buffer 64 bytes at a time, as a bit mask per
/// window computed eight bytes per step (SWAR), so locating a cell's end costs a
/// trailing-zero count instead of a compare and a branch per byte.
///
/// Quotes are not in the mask: the reader looks at the first byte of each cell and reads a
/// quoted cell byte by byte, then asks for the next structural byte after it. The mask of
/// a window is a pure function of its bytes, so asking from any position gives the same
/// answer.
///
/// The mask may also flag a byte just above a real match in the same eight (one more than
/// the delimiter or a line feed, where the borrow of the cheap zero-byte test runs on):
/// callers look at the byte found and ask again past it when it is neither.
struct CSVStructuralIndex {
    private let base: UnsafeRawPointer
    private let count: Int
    private let delimiterWord: UInt64
    private let delimiter: UInt8
    /// The first byte of the current window.
    private var window = 0
    /// Bit `k` set: byte `window + k` is a delimiter or a line feed (and not yet consumed).
    private var mask: UInt64 = 0

    /// An index over `count` bytes at `base`; nothing is read before the first ``next(from:)``.
    init(base: UnsafeRawPointer, count: Int, delimiter: UInt8) {
        self.base = base
        self.count = count
        self.delimiter = delimiter
        delimiterWord = UInt64(delimiter) &* 0x0101_0101_0101_0101
        window = Int.min / 2
    }

    /// The offset of the first delimiter or line feed at or after `start` (or of a byte the
    /// mask flags wrongly, see above), or the buffer's count when there is none.
    @inline(__always)
    mutating func next(from start: Int) -> Int {
        let into = start &- window
        if UInt(bitPattern: into) < 64 {
            let m = mask & (~0 << UInt64(into))
            if m != 0 {
                mask = m
                return window + m.trailingZeroBitCount
            }
        }
        return refill(from: start)
    }

    /// ``next(from:)`` when the current window has nothing more at or after `start`.
    @inline(never)
    private mutating func refill(from start: Int) -> Int {
        let into = start &- window
        if UInt(bitPattern: into) >= 64 {
            window = start
            mask = load(start)
        } else {
            mask = 0
        }
        while mask == 0 {
            window += 64
            if window >= count { return count }
            mask = load(window)
        }
        return window + mask.trailingZeroBitCount
    }

    /// The mask of the 64 bytes from `offset` (bytes past the end count as ordinary).
    @inline(__always)
    private func load(_ offset: Int) -> UInt64 {
        guard offset + 64 <= count else { return loadTail(offset) }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        var m: UInt64 = 0
        for k in 0..<8 {
            let x = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + k * 8, as: UInt64.self))
            let a = x ^ delimiterWord
            let b = x ^ lineFeeds
            // Flags every zero byte of `a` or `b`, and possibly a byte above one (see above).
            let hits = ((a &- ones) & ~a | (b &- ones) & ~b) & high
            m |= (((hits >> 7) &* 0x0102_0408_1020_4080) >> 56) << UInt64(k * 8)
        }
        return m
    }

    private func loadTail(_ offset: Int) -> UInt64 {
        var m: UInt64 = 0
        var k = 0
        while offset + k < count, k < 64 {
            let b = base.load(fromByteOffset: offset + k, as: UInt8.self)
            if b == delimiter || b == 0x0A { m |= 1 << UInt64(k) }
            k += 1
        }
        return m
    }
}

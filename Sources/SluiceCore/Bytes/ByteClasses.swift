/// Tests whether text holds bytes an encoder must treat specially, eight bytes at a time
/// (SWAR), so clean text (the usual case) is copied as it is.
package enum ByteClasses {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Non-zero when some byte of `word` is zero (exact as a whole, not per byte).
    @inline(__always)
    private static func zeroByte(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highBits
    }

    /// Non-zero when some byte of `word` equals `byte`.
    @inline(__always)
    private static func equalByte(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        zeroByte(word ^ (ones &* UInt64(byte)))
    }

    /// Non-zero when some byte of `word` is a control character (below 0x20).
    @inline(__always)
    private static func controlByte(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word & highBits
    }

    /// Whether `count` bytes from `p` need escaping in a JSON string: a control character,
    /// `"` or `\`.
    @inline(__always)
    package static func needsJSONEscape(_ p: UnsafePointer<UInt8>, count: Int) -> Bool {
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if controlByte(word) | equalByte(word, 0x22) | equalByte(word, 0x5C) != 0 { return true }
            i += 8
        }
        while i < count {
            let b = p[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return true }
            i += 1
        }
        return false
    }

    /// The offset of the first control character, `"` or `\` in `p` at or after `start`, or
    /// `p.count` when there is none: where a JSON string scan must look closer. The lowest
    /// flagged byte of each word is exact (a borrow only runs upward from a real match).
    @inline(__always)
    package static func firstJSONStringSpecial(in p: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = p.baseAddress else { return p.count }
        var i = start
        while i + 8 <= p.count {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let hits = controlByte(word) | equalByte(word, 0x22) | equalByte(word, 0x5C)
            if hits != 0 { return i + hits.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < p.count {
            let b = p[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return i }
            i += 1
        }
        return p.count
    }

    /// How many bytes escaping adds to `count` bytes from `p` in a JSON string.
    package static func jsonEscapeGrowth(_ p: UnsafePointer<UInt8>, count: Int) -> Int {
        var growth = 0
        for i in 0..<count {
            let b = p[i]
            if b == 0x22 || b == 0x5C || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x08 || b == 0x0C {
                growth += 1
            } else if b < 0x20 {
                growth += 5
            }
        }
        return growth
    }

    /// Whether `count` bytes from `p` hold `delimiter`, `"`, LF or CR, the bytes that force a
    /// CSV cell into quotes.
    @inline(__always)
    package static func hasCSVSpecial(_ p: UnsafePointer<UInt8>, count: Int, delimiter: UInt8) -> Bool {
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let hit = equalByte(word, delimiter) | equalByte(word, 0x22) | equalByte(word, 0x0A) | equalByte(word, 0x0D)
            if hit != 0 { return true }
            i += 8
        }
        while i < count {
            let b = p[i]
            if b == delimiter || b == 0x22 || b == 0x0A || b == 0x0D { return true }
            i += 1
        }
        return false
    }

    /// The number of `"` bytes in `count` bytes from `p`.
    package static func quoteCount(_ p: UnsafePointer<UInt8>, count: Int) -> Int {
        var n = 0
        for i in 0..<count where p[i] == 0x22 { n += 1 }
        return n
    }
}

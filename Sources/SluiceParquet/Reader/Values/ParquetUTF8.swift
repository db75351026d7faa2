// Written from scratch for Sluice (the formats module's validator is internal to it).

/// UTF-8 validation of string values: ASCII runs are skipped eight bytes at a time, and the
/// rest checked against the well-formed sequences of the Unicode standard (table 3-7: no
/// overlong forms, no surrogates, nothing past U+10FFFF).
enum ParquetUTF8 {
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The offset of the first byte of the first ill-formed sequence, or `nil` when `p` is
    /// valid UTF-8.
    static func firstInvalid(_ p: UnsafeRawBufferPointer) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let n = p.count
        var i = 0
        while i < n {
            while i + 8 <= n, base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & highBits == 0 { i += 8 }
            guard i < n else { return nil }
            let lead = p[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            var length = 3
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: break
            case 0xED: high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let second = p[i + 1]
            guard second >= low, second <= high else { return i }
            var k = 2
            while k < length {
                guard p[i + k] & 0xC0 == 0x80 else { return i }
                k += 1
            }
            i += length
        }
        return nil
    }

    /// `p` with each ill-formed sequence replaced by U+FFFD.
    static func repaired(_ p: UnsafeRawBufferPointer) -> [UInt8] {
        Array(String(decoding: p, as: UTF8.self).utf8)
    }

    /// The reason a value is refused, as the other readers word it.
    static func reason(field: String, offset: Int) -> String {
        "invalid UTF-8 in field '\(field)' at byte \(offset) of the field"
    }
}

/// Finds and repairs ill-formed UTF-8 in field text.
///
/// Runs of ASCII are skipped eight bytes at a time, so clean ASCII input costs one pass of
/// word loads; only bytes from 0x80 up are looked at one by one.
public enum UTF8Validation {
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The offset of the first byte of the first ill-formed sequence in `p` at or after
    /// `start` (which must not be inside a sequence), or `nil` when the rest is valid UTF-8.
    ///
    /// Well-formed sequences are those of the Unicode standard's table 3-7: no overlong
    /// forms, no surrogates, nothing past U+10FFFF, and no sequence cut short.
    public static func firstInvalid(_ p: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let n = p.count
        var i = start
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

    /// `p` with every ill-formed sequence replaced by U+FFFD (EF BF BD), one replacement per
    /// maximal ill-formed subpart, as Python's `bytes.decode('utf-8', 'replace')` does.
    public static func repaired(_ p: UnsafeRawBufferPointer) -> [UInt8] {
        Array(String(decoding: p, as: UTF8.self).utf8)
    }

    /// The reason a field's text is refused: `invalid UTF-8 in field 'name' at byte 3 of the field`.
    public static func reason(field: String, offset: Int) -> String {
        "invalid UTF-8 in field '\(field)' at byte \(offset) of the field"
    }
}

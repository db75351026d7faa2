/// The `_xHHHH_` escapes of Office Open XML strings (ECMA-376 Part 1, 22.9.2.19 ST_Xstring):
/// a character XML cannot carry (a control character) is written as its UTF-16 code unit in
/// four hex digits between `_x` and `_`, and a literal `_x` that would read as one is written
/// `_x005F_x…`. Excel reads them back to the characters; so does Sluice.
enum XLSXTextEscapes {
    /// Whether `bytes` may hold an escape (it has `_x`), so the caller can skip the rewrite.
    @inline(__always)
    static func mayContainEscape(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 7, let base = bytes.baseAddress else { return false }
        var from = 0
        while from < bytes.count - 6, let hit = memchr(base + from, Int32(UInt8(ascii: "_")), bytes.count - 6 - from) {
            let i = UnsafeRawPointer(hit) - base
            if bytes[i + 1] == UInt8(ascii: "x") { return true }
            from = i + 1
        }
        return false
    }

    /// Appends `bytes` to `out` with every `_xHHHH_` replaced by its character (a surrogate
    /// pair of escapes by the one character; a lone surrogate by U+FFFD).
    static func unescape(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let n = bytes.count
        var i = 0
        var runStart = 0
        while i + 7 <= n {
            guard bytes[i] == UInt8(ascii: "_"), bytes[i + 1] == UInt8(ascii: "x"), bytes[i + 6] == UInt8(ascii: "_"),
                let unit = hex4(bytes, i + 2)
            else {
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
            i += 7
            var scalar: Unicode.Scalar?
            if (0xD800..<0xDC00).contains(unit) {
                if i + 7 <= n, bytes[i] == UInt8(ascii: "_"), bytes[i + 1] == UInt8(ascii: "x"), bytes[i + 6] == UInt8(ascii: "_"),
                    let low = hex4(bytes, i + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    i += 7
                }
            } else {
                scalar = Unicode.Scalar(unit)
            }
            XMLTextDecoding.appendUTF8(scalar ?? "\u{FFFD}", to: &out)
            runStart = i
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<n]))
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32? {
        var value: UInt32 = 0
        for k in 0..<4 {
            let b = bytes[at + k]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(d)
        }
        return value
    }
}

/// UTF-8 validity of text read from a part (XML requires it; Sluice's text columns assume it).
enum UTF8Check {
    /// The offset of the first byte of an ill-formed sequence, or `nil` when `bytes` is valid.
    static func firstInvalid(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard n - i >= length else { return i }
            let second = bytes[i + 1]
            guard second >= lower, second <= upper else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

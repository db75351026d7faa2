import SluiceCore

/// JSON string text written through a pointer, escaped exactly as
/// `JSONText.appendString(bytes:to:)` escapes it.
enum JSONEscaping {
    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Writes `count` UTF-8 bytes from `s` as a quoted JSON string, escaping quotes,
    /// backslashes and control characters; returns the end.
    static func writeString(_ s: UnsafePointer<UInt8>, count: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        p.pointee = UInt8(ascii: "\"")
        p += 1
        guard ByteClasses.needsJSONEscape(s, count: count) else {
            p = OutputBytes.copy(s, count: count, to: p)
            p.pointee = UInt8(ascii: "\"")
            return p + 1
        }
        let hex = hexDigits.utf8Start
        for i in 0..<count {
            let b = s[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                p.pointee = b
                p += 1
                continue
            }
            p.pointee = UInt8(ascii: "\\")
            let short: UInt8
            switch b {
            case 0x22: short = 0x22
            case 0x5C: short = 0x5C
            case 0x0A: short = UInt8(ascii: "n")
            case 0x0D: short = UInt8(ascii: "r")
            case 0x09: short = UInt8(ascii: "t")
            case 0x08: short = UInt8(ascii: "b")
            case 0x0C: short = UInt8(ascii: "f")
            default:
                p[1] = UInt8(ascii: "u")
                p[2] = UInt8(ascii: "0")
                p[3] = UInt8(ascii: "0")
                p[4] = hex[Int(b >> 4)]
                p[5] = hex[Int(b & 0xF)]
                p += 6
                continue
            }
            p[1] = short
            p += 2
        }
        p.pointee = UInt8(ascii: "\"")
        return p + 1
    }
}

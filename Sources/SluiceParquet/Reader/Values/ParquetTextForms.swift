/// The text forms of binary values: standard base64 (with padding) for binary and
/// fixed-length binary, the canonical `8-4-4-4-12` lower-case form for UUIDs, and doubles
/// from IEEE half-precision bits.
enum ParquetTextForms {
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends the base64 form of `bytes`.
    static func appendBase64(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let alphabet = base64Alphabet
        var i = 0
        let n = bytes.count
        while i + 3 <= n {
            let chunk = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            i += 3
        }
        if n - i == 1 {
            let chunk = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        } else if n - i == 2 {
            let chunk = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        }
    }

    /// Appends the canonical text of a 16-byte UUID; false for another length.
    static func appendUUID(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        guard bytes.count == 16 else { return false }
        for i in 0..<16 {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hexDigits[Int(bytes[i] >> 4)])
            out.append(hexDigits[Int(bytes[i] & 15)])
        }
        return true
    }

    /// The double of the IEEE 754 half-precision value `bits`.
    static func halfToDouble(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

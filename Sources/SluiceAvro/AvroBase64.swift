// Written from scratch (RFC 4648 base64): SluiceCore has no base64 the Avro module can use.

/// Standard base64 with `=` padding: binary Avro values are carried as this text, and the
/// writer turns such text back into bytes.
enum AvroBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// Each byte's 6-bit value, or 0xFF for bytes outside the alphabet.
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(i) }
        return table
    }()

    /// The base64 text of `bytes`.
    static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the base64 text of `bytes` to `out`.
    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: (bytes.count + 2) / 3 * 4))
        out.withUnsafeMutableBufferPointer { out in
            alphabet.withUnsafeBufferPointer { alphabet in
                var o = start
                var i = 0
                while i < bytes.count {
                    let remaining = bytes.count - i
                    let b0 = UInt32(bytes[i])
                    let b1 = remaining > 1 ? UInt32(bytes[i + 1]) : 0
                    let b2 = remaining > 2 ? UInt32(bytes[i + 2]) : 0
                    let group = b0 << 16 | b1 << 8 | b2
                    out[o] = alphabet[Int(group >> 18 & 63)]
                    out[o + 1] = alphabet[Int(group >> 12 & 63)]
                    out[o + 2] = remaining > 1 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "=")
                    out[o + 3] = remaining > 2 ? alphabet[Int(group & 63)] : UInt8(ascii: "=")
                    o += 4
                    i += 3
                }
            }
        }
    }

    /// The bytes of standard base64 `text` (padding optional), or `nil` when it is not base64.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count / 4 * 3 + 2)
        var group: UInt32 = 0
        var filled = 0
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0 else { return nil }
            let value = reverse[Int(byte)]
            guard value != 0xFF else { return nil }
            group = group << 6 | UInt32(value)
            filled += 1
            if filled == 4 {
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                out.append(UInt8(truncatingIfNeeded: group >> 8))
                out.append(UInt8(truncatingIfNeeded: group))
                group = 0
                filled = 0
            }
        }
        switch filled {
        case 0: guard padding == 0 else { return nil }
        case 2:
            guard padding == 0 || padding == 2 else { return nil }
            out.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard padding == 0 || padding == 1 else { return nil }
            out.append(UInt8(truncatingIfNeeded: group >> 10))
            out.append(UInt8(truncatingIfNeeded: group >> 2))
        default: return nil
        }
        return out
    }
}

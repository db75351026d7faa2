/// Decoding of standard base64 (RFC 4648 §4), the text form Sluice gives binary values.
/// Written here because SluiceCore has no decoder and Foundation's goes through `Data`.
enum Base64Text {
    /// The 6-bit value of each ASCII byte, 0xFF for bytes outside the alphabet.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(truncatingIfNeeded: i)
        }
        return table
    }()

    /// Appends the bytes `text` encodes to `out`; false (with `out` maybe partly appended to)
    /// when `text` is not base64. Padding is optional, but a group cannot be a single
    /// character and nothing may follow `=`.
    static func decode(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        var length = text.count
        var padding = 0
        while length > 0, padding < 2, text[length - 1] == UInt8(ascii: "=") {
            length -= 1
            padding += 1
        }
        if padding > 0, text.count % 4 != 0 { return false }
        if length % 4 == 1 { return false }
        out.reserveCapacity(out.count + length / 4 * 3 + 2)
        var i = 0
        return table.withUnsafeBufferPointer { table in
            while i + 4 <= length {
                let a = table[Int(text[i])], b = table[Int(text[i + 1])]
                let c = table[Int(text[i + 2])], d = table[Int(text[i + 3])]
                // Valid values are below 64; 0xFF marks a byte outside the alphabet.
                guard (a | b | c | d) & 0xC0 == 0 else { return false }
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                out.append(UInt8(truncatingIfNeeded: group >> 8))
                out.append(UInt8(truncatingIfNeeded: group))
                i += 4
            }
            let rest = length - i
            guard rest >= 2 else { return true }
            let a = table[Int(text[i])], b = table[Int(text[i + 1])]
            let c = rest == 3 ? table[Int(text[i + 2])] : 0
            guard (a | b | c) & 0xC0 == 0 else { return false }
            let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
            out.append(UInt8(truncatingIfNeeded: group >> 16))
            if rest == 3 { out.append(UInt8(truncatingIfNeeded: group >> 8)) }
            return true
        }
    }
}

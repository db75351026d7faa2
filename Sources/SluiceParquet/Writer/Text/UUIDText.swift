/// The canonical text form of a UUID: 32 hex digits (either case) in groups of 8-4-4-4-12.
enum UUIDText {
    /// Appends the 16 bytes of the UUID `text` spells to `out`; false (with nothing appended)
    /// when it is not one.
    static func parse(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        guard text.count == 36 else { return false }
        var result: (UInt64, UInt64) = (0, 0)
        var nibbles = 0
        for (i, byte) in text.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
                continue
            }
            guard let nibble = hexValue(byte) else { return false }
            if nibbles < 16 {
                result.0 = result.0 << 4 | UInt64(nibble)
            } else {
                result.1 = result.1 << 4 | UInt64(nibble)
            }
            nibbles += 1
        }
        withUnsafeBytes(of: result.0.bigEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: result.1.bigEndian) { out.append(contentsOf: $0) }
        return true
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

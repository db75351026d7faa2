// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// Makes Avro names: `[A-Za-z_][A-Za-z0-9_]*`, unique where they must be.
struct AvroNames {
    private var used: Set<String> = []

    /// `text` as a valid Avro name: every other character becomes `_`, and a leading digit
    /// (or an empty name) gets a `_` in front.
    static func sanitized(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"):
                out.append(byte)
            default:
                // One `_` per character, not per UTF-8 byte.
                if byte & 0xC0 != 0x80 { out.append(UInt8(ascii: "_")) }
            }
        }
        if out.first.map({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) ?? true { out.insert(UInt8(ascii: "_"), at: 0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A sanitized `text` not handed out before by this instance (`name`, `name_2`, …).
    mutating func unique(_ text: String) -> String {
        let base = Self.sanitized(text)
        var candidate = base
        var suffix = 2
        while used.contains(candidate) {
            candidate = "\(base)_\(suffix)"
            suffix += 1
        }
        used.insert(candidate)
        return candidate
    }
}

/// Percent-encoding as the three object stores' REST APIs (and S3's and Azure's signatures)
/// take it: every UTF-8 byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` in
/// uppercase hex, so a space is `%20`, `+` is `%2B` and `ü` is `%C3%BC`; `/` is kept in paths.
enum PercentEncoding {
    /// `text` encoded; `/` kept when `keepingSlash` (an object key as a path).
    static func encoded(_ text: String, keepingSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            case UInt8(ascii: "/") where keepingSlash:
                out.append("/")
            default:
                out.append("%")
                out.unicodeScalars.append(UnicodeScalar(digits[Int(byte >> 4)]))
                out.unicodeScalars.append(UnicodeScalar(digits[Int(byte & 15)]))
            }
        }
        return out
    }
}

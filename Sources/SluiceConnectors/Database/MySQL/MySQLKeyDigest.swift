import Crypto

/// Hex SHA-256 digests, for secret-free keys derived from secrets.
enum MySQLKeyDigest {
    /// The lowercase hex SHA-256 of the UTF-8 bytes of `text`.
    static func hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(text.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }
}

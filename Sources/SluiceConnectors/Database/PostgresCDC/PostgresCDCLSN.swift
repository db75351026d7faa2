/// A position in PostgreSQL's write-ahead log (`pg_lsn`), written `X/Y`: the high and low
/// 32 bits in upper-case hexadecimal without padding (`0/16B3748`), as the server prints it.
struct PostgresCDCLSN: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 64-bit position.
    var value: UInt64

    init(_ value: UInt64) { self.value = value }

    /// Parses `X/Y`; `nil` for anything else.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].count <= 8, parts[1].count <= 8,
            let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16)
        else { return nil }
        value = high << 32 | low
    }

    static func < (lhs: PostgresCDCLSN, rhs: PostgresCDCLSN) -> Bool { lhs.value < rhs.value }

    var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }
}

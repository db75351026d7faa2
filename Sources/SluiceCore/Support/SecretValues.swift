/// The values `${env:…}` references resolved to, and the scrubbing that keeps them out of
/// every message: plan errors, a run's failure, dead-letter reasons, lineage names and log
/// lines show ``Secrets/mask`` where a value stood.
///
/// A value of ``wholeTokenLength`` characters or more is replaced wherever it occurs. A
/// shorter one (`1`, `ab`) is replaced only where it stands as a whole token, between
/// characters that are not letters, digits or `_` (or the ends of the text): replacing every
/// `1` of a message would make it unreadable, and a value that short is guessed in a few
/// tries anyway. The empty value is never replaced. Each value's percent-encoded form (as a
/// URL would carry it) is replaced too.
public struct SecretValues: Sendable, Equatable {
    /// Values at least this long (in UTF-8 bytes) are replaced anywhere; shorter ones only as whole tokens.
    public static let wholeTokenLength = 4

    /// The values (and their percent-encoded forms), longest first so a value that contains
    /// another is replaced whole.
    private var patterns: [[UInt8]] = []

    /// No values: scrubbing changes nothing.
    public init() {}

    /// The given values.
    public init<S: Sequence<String>>(_ values: S) {
        for value in values { insert(value) }
    }

    /// Whether there is nothing to scrub.
    public var isEmpty: Bool { patterns.isEmpty }

    /// Adds `value` (and its percent-encoded form).
    public mutating func insert(_ value: String) {
        guard !value.isEmpty else { return }
        insert(pattern: Array(value.utf8))
        insert(pattern: Array(Self.percentEncoded(value).utf8))
    }

    /// Adds every value of `other`.
    public mutating func formUnion(_ other: SecretValues) {
        for pattern in other.patterns { insert(pattern: pattern) }
    }

    private mutating func insert(pattern: [UInt8]) {
        guard !patterns.contains(pattern) else { return }
        let index = patterns.firstIndex { $0.count < pattern.count } ?? patterns.count
        patterns.insert(pattern, at: index)
    }

    /// `text` with every occurrence of a value replaced by ``Secrets/mask``.
    public func scrub(_ text: String) -> String {
        guard !patterns.isEmpty else { return text }
        let bytes = Array(text.utf8)
        guard patterns.contains(where: { Self.occurs($0, in: bytes) }) else { return text }
        let mask = Array(Secrets.mask.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        outer: while i < bytes.count {
            for pattern in patterns where matches(pattern, in: bytes, at: i) {
                out += mask
                i += pattern.count
                continue outer
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func matches(_ pattern: [UInt8], in bytes: [UInt8], at start: Int) -> Bool {
        let end = start + pattern.count
        guard end <= bytes.count, bytes[start] == pattern[0] else { return false }
        for k in 1..<pattern.count where bytes[start + k] != pattern[k] { return false }
        if pattern.count >= Self.wholeTokenLength { return true }
        let before = start == 0 || !Self.isWordByte(bytes[start - 1])
        let after = end == bytes.count || !Self.isWordByte(bytes[end])
        return before && after
    }

    private static func occurs(_ pattern: [UInt8], in bytes: [UInt8]) -> Bool {
        guard pattern.count <= bytes.count else { return false }
        return (0...(bytes.count - pattern.count)).contains { start in
            bytes[start] == pattern[0] && bytes[start..<(start + pattern.count)].elementsEqual(pattern)
        }
    }

    /// Letters, digits, `_` and any non-ASCII byte belong to a token.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == 0x5F || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// `value` with every byte but the URL-unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX`.
    static func percentEncoded(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            if isWordByte(byte) && byte < 0x80 || byte == 0x2D || byte == 0x2E || byte == 0x7E {
                out.append(byte)
            } else {
                out += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A cursor over one `pgoutput` message: big-endian integers and NUL-terminated strings.
struct PgOutputByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte was read.
    var atEnd: Bool { offset == bytes.count }

    mutating func uint8() throws(PgOutputError) -> UInt8 {
        guard offset < bytes.count else { throw truncated("a byte") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() throws(PgOutputError) -> UInt16 { UInt16(truncatingIfNeeded: try bigEndian(2, "Int16")) }

    mutating func uint32() throws(PgOutputError) -> UInt32 { UInt32(truncatingIfNeeded: try bigEndian(4, "Int32")) }

    mutating func int32() throws(PgOutputError) -> Int32 { Int32(bitPattern: try uint32()) }

    mutating func uint64() throws(PgOutputError) -> UInt64 { try bigEndian(8, "Int64") }

    mutating func int64() throws(PgOutputError) -> Int64 { Int64(bitPattern: try uint64()) }

    /// A NUL-terminated UTF-8 string.
    mutating func string() throws(PgOutputError) -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw truncated("a NUL-terminated string") }
        defer { offset = end + 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    /// `count` raw bytes.
    mutating func bytes(_ count: Int) throws(PgOutputError) -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw truncated("\(count) bytes") }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    private mutating func bigEndian(_ size: Int, _ name: String) throws(PgOutputError) -> UInt64 {
        guard size <= bytes.count - offset else { throw truncated("an \(name)") }
        var value: UInt64 = 0
        for index in offset..<(offset + size) { value = value << 8 | UInt64(bytes[index]) }
        offset += size
        return value
    }

    private func truncated(_ what: String) -> PgOutputError {
        PgOutputError("message ends at byte \(offset) where \(what) was expected")
    }
}

/// A `pgoutput` message that could not be decoded.
struct PgOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String

    init(_ message: String) { self.message = message }

    var description: String { "invalid pgoutput message: \(message)" }
}

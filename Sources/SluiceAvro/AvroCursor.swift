// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// Why bytes could not be read as Avro binary data, at `offset` in the buffer being read.
struct AvroDataError: Error {
    /// What was wrong.
    var message: String
    /// The offset into the buffer the cursor was reading.
    var offset: Int
    /// Whether the buffer simply ended (more input might complete it) rather than holding
    /// bytes that are wrong.
    var truncated: Bool = false
}

/// Reads Avro's binary encoding from a buffer: zig-zag varints, little-endian floats,
/// length-prefixed bytes. Every read checks the bytes that remain and throws
/// ``AvroDataError`` instead of reading past the end.
struct AvroCursor {
    let buffer: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    var position: Int

    init(_ buffer: UnsafeRawBufferPointer, at position: Int = 0) {
        self.buffer = buffer
        self.position = position
    }

    /// The bytes left to read.
    @inline(__always) var remaining: Int { buffer.count - position }

    /// Whether every byte has been read.
    @inline(__always) var atEnd: Bool { position >= buffer.count }

    @inline(__always)
    func ended(_ what: String) -> AvroDataError {
        AvroDataError(message: "the data ends inside \(what)", offset: position, truncated: true)
    }

    /// A zig-zag varint of at most 10 bytes (`long`).
    @inline(__always)
    mutating func readLong() throws(AvroDataError) -> Int {
        guard position < buffer.count else { throw ended("a varint") }
        let first = buffer[position]
        if first < 0x80 {
            position += 1
            return Int(first >> 1) ^ -Int(first & 1)
        }
        return try readLongSlow()
    }

    @usableFromInline
    mutating func readLongSlow() throws(AvroDataError) -> Int {
        let start = position
        var raw: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < buffer.count else { throw ended("a varint") }
            let byte = buffer[position]
            position += 1
            raw |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { break }
            shift += 7
            guard shift < 70 else { throw AvroDataError(message: "a varint is longer than 10 bytes", offset: start) }
        }
        let magnitude = Int(truncatingIfNeeded: raw >> 1)
        return magnitude ^ -Int(truncatingIfNeeded: raw & 1)
    }

    /// A zig-zag varint that must fit 32 bits (`int`).
    @inline(__always)
    mutating func readInt() throws(AvroDataError) -> Int {
        let start = position
        let value = try readLong()
        guard value >= Int(Int32.min), value <= Int(Int32.max) else {
            throw AvroDataError(message: "an int value \(value) does not fit 32 bits", offset: start)
        }
        return value
    }

    /// A `long` that must be a count or length: not negative and at most `limit`.
    mutating func readLength(_ what: String, limit: Int) throws(AvroDataError) -> Int {
        let start = position
        let value = try readLong()
        guard value >= 0 else { throw AvroDataError(message: "\(what) is negative (\(value))", offset: start) }
        guard value <= limit else {
            throw AvroDataError(message: "\(what) is \(value) but only \(limit) bytes remain", offset: start, truncated: true)
        }
        return value
    }

    /// A boolean byte: 0 or 1.
    @inline(__always)
    mutating func readBoolean() throws(AvroDataError) -> Bool {
        guard position < buffer.count else { throw ended("a boolean") }
        let byte = buffer[position]
        guard byte <= 1 else { throw AvroDataError(message: "a boolean byte is \(byte), not 0 or 1", offset: position) }
        position += 1
        return byte == 1
    }

    /// A little-endian IEEE 754 single.
    @inline(__always)
    mutating func readFloat() throws(AvroDataError) -> Float {
        guard remaining >= 4 else { throw ended("a float") }
        let bits = buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return Float(bitPattern: UInt32(littleEndian: bits))
    }

    /// A little-endian IEEE 754 double.
    @inline(__always)
    mutating func readDouble() throws(AvroDataError) -> Double {
        guard remaining >= 8 else { throw ended("a double") }
        let bits = buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// `count` bytes.
    @inline(__always)
    mutating func readFixed(_ count: Int) throws(AvroDataError) -> UnsafeRawBufferPointer {
        guard count <= remaining else { throw ended("a \(count)-byte value") }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<(position + count)])
        position += count
        return slice
    }

    /// A length-prefixed byte string (`bytes`, `string`).
    @inline(__always)
    mutating func readBytes() throws(AvroDataError) -> UnsafeRawBufferPointer {
        let length = try readLength("a byte length", limit: remaining)
        return try readFixed(length)
    }

    /// Skips `count` bytes.
    @inline(__always)
    mutating func skip(_ count: Int) throws(AvroDataError) {
        guard count <= remaining else { throw ended("a \(count)-byte value") }
        position += count
    }
}

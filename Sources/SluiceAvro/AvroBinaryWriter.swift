// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// Appends Avro's binary encoding to a byte buffer.
enum AvroBinaryWriter {
    /// A `long` or `int`: zig-zag, then 7 bits per byte, low groups first.
    @inline(__always)
    static func appendLong(_ value: Int, to out: inout [UInt8]) {
        var raw = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while raw >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: raw) | 0x80)
            raw >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: raw))
    }

    /// A little-endian IEEE 754 double.
    @inline(__always)
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    /// A little-endian IEEE 754 single.
    @inline(__always)
    static func appendFloat(_ value: Float, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Length-prefixed bytes (`bytes`, `string`).
    @inline(__always)
    static func appendBytes(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        appendLong(bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    /// Length-prefixed bytes of an array.
    static func appendBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendLong(bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    /// A `string`.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendBytes(UnsafeRawBufferPointer($0), to: &out) }
    }
}

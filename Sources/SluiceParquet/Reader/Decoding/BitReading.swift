/// Little-endian bit and byte reads shared by the page decoders, for buffers whose bounds the
/// caller has checked.
enum BitReading {
    /// The `width` bits (0…64) at `bitOffset` of `p`, least significant bit first (Parquet's
    /// bit-packing order). Bytes past `p`'s end read as zero; the caller checks that the bits
    /// it wants lie inside the data it owns.
    @inline(__always)
    static func bits(_ p: UnsafeRawBufferPointer, bitOffset: Int, width: Int) -> UInt64 {
        guard width > 0 else { return 0 }
        let byte = bitOffset >> 3
        let shift = bitOffset & 7
        var word: UInt64
        if byte + 8 <= p.count {
            word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
        } else {
            word = 0
            var i = 0
            while byte + i < p.count, i < 8 {
                word |= UInt64(p[byte + i]) << (8 * UInt64(i))
                i += 1
            }
        }
        var value = word >> UInt64(shift)
        if width + shift > 64, byte + 8 < p.count {
            value |= UInt64(p[byte + 8]) << UInt64(64 - shift)
        }
        return width == 64 ? value : value & ((1 << UInt64(width)) &- 1)
    }

    /// An unsigned LEB128 varint at `position` (advanced past it), read no further than `end`.
    @inline(__always)
    static func varint(_ p: UnsafeRawBufferPointer, _ position: inout Int, end: Int) throws(ParquetDecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ParquetDecodeError("the data ends inside a varint") }
            let byte = p[position]
            position += 1
            if shift == 63, byte > 1 { throw ParquetDecodeError("a varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ParquetDecodeError("a varint is longer than 10 bytes") }
        }
    }

    /// A zigzag varint (signed).
    @inline(__always)
    static func zigzag(_ p: UnsafeRawBufferPointer, _ position: inout Int, end: Int) throws(ParquetDecodeError) -> Int64 {
        let raw = try varint(p, &position, end: end)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A 4-byte little-endian length at `position` (advanced past it), checked to be
    /// non-negative and to fit before `end`.
    @inline(__always)
    static func length32(_ p: UnsafeRawBufferPointer, _ position: inout Int, end: Int) throws(ParquetDecodeError) -> Int {
        guard end - position >= 4 else { throw ParquetDecodeError("the data ends inside a 4-byte length") }
        let raw = Int32(littleEndian: p.loadUnaligned(fromByteOffset: position, as: Int32.self))
        position += 4
        guard raw >= 0, Int(raw) <= end - position else {
            throw ParquetDecodeError("a length of \(raw) bytes runs past the end of the data (\(end - position) bytes left)")
        }
        return Int(raw)
    }

    /// The number of bits needed to hold `value` (0 for 0).
    @inline(__always)
    static func bitWidth(of value: Int) -> Int {
        value <= 0 ? 0 : Int.bitWidth - value.leadingZeroBitCount
    }
}

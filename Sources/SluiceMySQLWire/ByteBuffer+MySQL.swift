import NIOCore

/// The MySQL protocol's basic data types on `ByteBuffer`: little-endian fixed-width
/// integers, length-encoded integers and strings, and NUL-terminated strings. The two readers
/// the row decoding uses are inlinable, so ``MySQLTextRow/forEachCell(_:count:_:)`` is inlined
/// whole into the connectors' batch readers.
extension ByteBuffer {
    /// Reads a length-encoded integer: one byte below 0xFB is the value; 0xFC, 0xFD and 0xFE
    /// announce a 2, 3 or 8 byte little-endian value. 0xFB (NULL in a text row) and 0xFF
    /// (an error header) are not integers: `nil`, and nothing is consumed.
    @inlinable
    mutating func readMySQLLengthEncodedInteger() -> UInt64? {
        guard let first = getInteger(at: readerIndex, as: UInt8.self) else { return nil }
        switch first {
        case 0..<0xFB:
            moveReaderIndex(forwardBy: 1)
            return UInt64(first)
        case 0xFC:
            guard readableBytes >= 3 else { return nil }
            moveReaderIndex(forwardBy: 1)
            return readInteger(endianness: .little, as: UInt16.self).map(UInt64.init)
        case 0xFD:
            guard readableBytes >= 4, let bytes = getBytes(at: readerIndex + 1, length: 3) else { return nil }
            moveReaderIndex(forwardBy: 4)
            return UInt64(bytes[0]) | UInt64(bytes[1]) << 8 | UInt64(bytes[2]) << 16
        case 0xFE:
            guard readableBytes >= 9 else { return nil }
            moveReaderIndex(forwardBy: 1)
            return readInteger(endianness: .little, as: UInt64.self)
        default:
            return nil
        }
    }

    /// Writes `value` as a length-encoded integer in the shortest form; returns the bytes written.
    @discardableResult
    mutating func writeMySQLLengthEncodedInteger(_ value: UInt64) -> Int {
        switch value {
        case 0..<0xFB:
            return writeInteger(UInt8(value))
        case 0xFB...0xFFFF:
            return writeInteger(UInt8(0xFC)) + writeInteger(UInt16(value), endianness: .little)
        case 0x1_0000...0xFF_FFFF:
            return writeInteger(UInt8(0xFD)) + writeInteger(UInt8(value & 0xFF)) + writeInteger(UInt8(value >> 8 & 0xFF))
                + writeInteger(UInt8(value >> 16 & 0xFF))
        default:
            return writeInteger(UInt8(0xFE)) + writeInteger(value, endianness: .little)
        }
    }

    /// Reads a length-encoded string as a slice of this buffer (no copy); `nil` when the
    /// buffer ends early or holds NULL (0xFB).
    @inlinable
    mutating func readMySQLLengthEncodedSlice() -> ByteBuffer? {
        let start = readerIndex
        guard let length = readMySQLLengthEncodedInteger(), length <= UInt64(readableBytes),
            let slice = readSlice(length: Int(length))
        else {
            moveReaderIndex(to: start)
            return nil
        }
        return slice
    }

    /// Reads a length-encoded string as UTF-8 text.
    mutating func readMySQLLengthEncodedString() -> String? {
        readMySQLLengthEncodedSlice().map { String(buffer: $0) }
    }

    /// Writes `bytes` as a length-encoded string.
    mutating func writeMySQLLengthEncodedBytes<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        writeMySQLLengthEncodedInteger(UInt64(bytes.count))
        writeBytes(bytes)
    }

    /// Writes `text` as a length-encoded string of its UTF-8 bytes.
    mutating func writeMySQLLengthEncodedString(_ text: String) {
        writeMySQLLengthEncodedInteger(UInt64(text.utf8.count))
        writeString(text)
    }

    /// Reads bytes up to a NUL (consumed, not returned) as UTF-8 text; `nil` without a NUL.
    mutating func readMySQLNullTerminatedString() -> String? {
        guard let end = readableBytesView.firstIndex(of: 0) else { return nil }
        let length = end - readableBytesView.startIndex
        let text = readString(length: length)
        moveReaderIndex(forwardBy: 1)
        return text
    }

    /// Writes `text` followed by a NUL.
    mutating func writeMySQLNullTerminatedString(_ text: String) {
        writeString(text)
        writeInteger(UInt8(0))
    }
}

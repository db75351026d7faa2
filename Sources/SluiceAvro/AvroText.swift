// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.

/// UTF-8 checks for Avro `string` values (the spec requires UTF-8; a file may still hold
/// anything).
enum AvroText {
    /// The offset of the first byte of the first ill-formed UTF-8 sequence in `bytes`, or
    /// `nil` when all of it is well-formed (Unicode table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF, no cut-short sequence). ASCII runs are checked a
    /// word at a time.
    static func firstInvalid(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let count = bytes.count
        var i = 0
        while i < count {
            while i + 8 <= count, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < count else { return nil }
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                secondRange = 0xA0...0xBF
            case 0xED:
                length = 3
                secondRange = 0x80...0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0:
                length = 4
                secondRange = 0x90...0xBF
            case 0xF4:
                length = 4
                secondRange = 0x80...0x8F
            case 0xF1...0xF3: length = 4
            default: return i
            }
            guard i + length <= count, secondRange.contains(bytes[i + 1]) else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// `bytes` as a `String` when they are well-formed UTF-8.
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard firstInvalid(bytes) == nil else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

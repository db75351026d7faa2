import SluiceCore

/// ``ByteNumber/parse(_:)`` with its common cases inline: `-?digits` of up to 18 digits and
/// `-?digits.digits` of up to 15 digits, which it computes the same way (the integer, or the
/// digits as an integer divided once by an exact power of ten: Clinger's fast path). Text
/// that is certainly not a number is refused at once; anything else (signs `+`, a leading
/// `.`, exponents, long mantissas) goes to ``ByteNumber/parse(_:)``.
enum CSVNumber {
    @inline(__always)
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ByteNumber.Parsed? {
        let n = bytes.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        var mantissa: UInt64 = 0
        let intStart = i
        while i < n {
            let d = bytes[i] &- 48
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let intDigits = i - intStart
        guard intDigits > 0, intDigits <= 18 else { return ByteNumber.parse(bytes) }
        if i == n { return .int(negative ? -Int(mantissa) : Int(mantissa)) }
        let next = bytes[i]
        guard next == UInt8(ascii: ".") else {
            // After the integer digits only a fraction or an exponent may follow.
            return next | 0x20 == UInt8(ascii: "e") ? ByteNumber.parse(bytes) : nil
        }
        i += 1
        let fractionStart = i
        while i < n {
            let d = bytes[i] &- 48
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let fractionDigits = i - fractionStart
        if i < n { return bytes[i] | 0x20 == UInt8(ascii: "e") ? ByteNumber.parse(bytes) : nil }
        guard fractionDigits > 0, intDigits + fractionDigits <= 15 else { return ByteNumber.parse(bytes) }
        if mantissa == 0 { return .double(negative ? -0.0 : 0.0) }
        let value = Double(mantissa) / ExactPowerOfTen.of(fractionDigits)
        return .double(negative ? -value : value)
    }
}

/// Byte tests for CSV text.
enum CSVText {
    /// The offset of the first byte from 0x80 up in `p`, or `nil` when it is all ASCII (and so
    /// valid UTF-8); 32 bytes per step. A byte found there starts a sequence or is ill-formed,
    /// so validating from it gives the same first error as validating from the start.
    @inline(__always)
    static func firstNonASCII(_ p: UnsafeRawBufferPointer) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let n = p.count
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 32 <= n {
            let any = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) | base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            if any & high != 0 { break }
            i += 32
        }
        while i < n {
            if base.load(fromByteOffset: i, as: UInt8.self) >= 0x80 { return i }
            i += 1
        }
        return nil
    }
}

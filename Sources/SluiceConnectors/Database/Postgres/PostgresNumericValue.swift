import NIOCore
import SluiceCore

/// Turns a `numeric` in PostgreSQL's binary form into a Sluice value without ever losing
/// precision silently:
///
/// - integral and within Int64 → int (`42`, `12.00` → `12`);
/// - else a double when the decimal reads back exactly as written from the double's
///   shortest text (`0.5`, `12.34`) — decided without text for up to 15 significant digits,
///   which every double holds;
/// - else the exact decimal text (`12345678901234567890.123456789`), as are `NaN`,
///   `Infinity` and `-Infinity`.
///
/// Binary layout: `ndigits`, `weight`, `sign`, `dscale` (Int16 each), then `ndigits`
/// base-10000 digits; the value is Σ digit[i] · 10000^(weight − i).
enum PostgresNumericValue {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The value of a binary `numeric`, or nil when the bytes are not one.
    static func value(_ buffer: inout ByteBuffer) -> Value? {
        defer { buffer.moveReaderIndex(forwardBy: buffer.readableBytes) }
        return buffer.withUnsafeReadableBytes { value($0) }
    }

    /// The value of the binary `numeric` `bytes`, or nil when they are not one.
    static func value(_ bytes: UnsafeRawBufferPointer) -> Value? {
        guard bytes.count >= 8 else { return nil }
        let count = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: Int16.self)))
        let weight = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: Int16.self)))
        let sign = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        let scale = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 6, as: Int16.self)))
        guard count >= 0, bytes.count >= 8 + 2 * count else { return nil }
        switch sign {
        case 0xC000: return .string("NaN")
        case 0xD000: return .string("Infinity")
        case 0xF000: return .string("-Infinity")
        case 0x0000, 0x4000: break
        default: return nil
        }
        let digits = Digits(bytes: bytes, count: count)
        for index in 0..<count where !(0..<10_000).contains(digits[index]) { return nil }
        let negative = sign == 0x4000
        if count == 0 { return .int(0) }
        if count - 1 <= weight, let integer = integral(digits, weight: weight, negative: negative) {
            return .int(integer)
        }
        if let double = shortDouble(digits, weight: weight, negative: negative) { return .double(double) }
        let text = decimalText((0..<count).map { Int16(truncatingIfNeeded: digits[$0]) }, weight: weight, scale: scale, negative: negative)
        return ExactDecimal.value(text)
    }

    /// The base-10000 digits of a binary numeric, read in place.
    private struct Digits {
        let bytes: UnsafeRawBufferPointer
        let count: Int

        subscript(index: Int) -> Int {
            Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: 8 + 2 * index, as: Int16.self)))
        }
    }

    /// The integer of an integral numeric, when it fits Int64.
    private static func integral(_ digits: Digits, weight: Int, negative: Bool) -> Int? {
        guard weight <= 4 else { return nil }
        var magnitude: UInt64 = 0
        for position in 0...weight {
            let digit = position < digits.count ? UInt64(truncatingIfNeeded: digits[position]) : 0
            let (scaled, overflow1) = magnitude.multipliedReportingOverflow(by: 10_000)
            let (sum, overflow2) = scaled.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int(magnitude)
    }

    /// The double of a numeric with at most 15 significant digits and a small scale: the
    /// digits as an integer divided by a power of ten, both exact doubles, which IEEE
    /// division rounds correctly — the same double `Double(text)` gives.
    private static func shortDouble(_ digits: Digits, weight: Int, negative: Bool) -> Double? {
        guard digits.count <= 4 else { return nil }
        var mantissa: Int64 = 0
        for index in 0..<digits.count { mantissa = mantissa * 10_000 + Int64(digits[index]) }
        // value = mantissa · 10^(4 · (weight − count + 1))
        var exponent = 4 * (weight - digits.count + 1)
        while mantissa != 0, mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        guard mantissa < 1_000_000_000_000_000, exponent < 0, -exponent < powersOfTen.count else { return nil }
        let value = Double(mantissa) / powersOfTen[-exponent]
        return negative ? -value : value
    }

    /// The decimal text PostgreSQL prints for the numeric (`dscale` fraction digits).
    static func decimalText(_ digits: [Int16], weight: Int, scale: Int, negative: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(digits.count * 4 + scale + 3)
        if negative { out.append(UInt8(ascii: "-")) }
        if weight < 0 {
            out.append(UInt8(ascii: "0"))
        } else {
            for position in 0...weight {
                let digit = position < digits.count ? Int(digits[position]) : 0
                appendGroup(digit, padded: position > 0, to: &out)
            }
        }
        if scale > 0 {
            out.append(UInt8(ascii: "."))
            var written = 0
            var position = weight + 1
            while written < scale {
                let digit = position >= 0 && position < digits.count ? Int(digits[position]) : 0
                var group: [UInt8] = []
                appendGroup(digit, padded: true, to: &group)
                for byte in group where written < scale {
                    out.append(byte)
                    written += 1
                }
                position += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendGroup(_ digit: Int, padded: Bool, to out: inout [UInt8]) {
        if padded {
            out.append(UInt8(48 + digit / 1000))
            out.append(UInt8(48 + digit / 100 % 10))
            out.append(UInt8(48 + digit / 10 % 10))
            out.append(UInt8(48 + digit % 10))
        } else {
            out.append(contentsOf: String(digit).utf8)
        }
    }
}

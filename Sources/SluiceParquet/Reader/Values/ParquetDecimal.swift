// Written from scratch for Sluice: Parquet decimals are unscaled two's-complement integers of
// any width, and Sluice's exact-value rule for decimals has no Swift package to lean on.
import SluiceCore

/// Turns a Parquet decimal (an unscaled integer and the column's scale) into a Sluice value
/// without ever rounding silently (the rule of `FieldSchema.swift`):
///
/// - integral and within `Int` → `.int` (`12.00` → 12);
/// - else a `.double` when the double's shortest text is the same decimal (`12.34`), which
///   is decided without text for up to 15 significant digits (every double holds those);
/// - else the exact decimal text with `scale` digits after the point
///   (`12345678901234567890.1234567890`).
enum ParquetDecimal {
    /// 10^0 … 10^18.
    private static let powersOfTen: [Int64] = (0...18).map { exponent in
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
    /// 10^0 … 10^22 as doubles (all exact).
    private static let doublePowersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The value of the unscaled integer `unscaled` at `scale` (0 … ``ParquetReadLimits/maximumDecimalScale``).
    static func value(unscaled: Int64, scale: Int) -> Value {
        if scale == 0 { return .int(Int(unscaled)) }
        if unscaled == 0 { return .int(0) }
        if scale <= 18 {
            let power = powersOfTen[scale]
            if unscaled % power == 0 { return .int(Int(unscaled / power)) }
            // Strip trailing zeros: the value is mantissa · 10^-exponent.
            var mantissa = unscaled
            var exponent = scale
            while mantissa % 10 == 0 {
                mantissa /= 10
                exponent -= 1
            }
            if mantissa.magnitude < 1_000_000_000_000_000, exponent <= 22 {
                return .double(Double(mantissa) / doublePowersOfTen[exponent])
            }
        }
        let negative = unscaled < 0
        return fromDigits(Array(String(unscaled.magnitude).utf8), negative: negative, scale: scale)
    }

    /// The value of the big-endian two's-complement unscaled integer `bytes` at `scale`;
    /// `nil` when it is wider than ``ParquetReadLimits/maximumDecimalBytes`` or empty.
    static func value(bigEndian bytes: UnsafeRawBufferPointer, scale: Int) -> Value? {
        guard !bytes.isEmpty, bytes.count <= ParquetReadLimits.maximumDecimalBytes else { return nil }
        let negative = bytes[0] & 0x80 != 0
        // Narrow enough for Int64 once sign-extension bytes are dropped?
        var first = 0
        let fill: UInt8 = negative ? 0xFF : 0x00
        while first < bytes.count - 1, bytes[first] == fill, (bytes[first + 1] & 0x80 != 0) == negative { first += 1 }
        if bytes.count - first <= 8 {
            var raw: UInt64 = negative ? UInt64.max : 0
            for i in first..<bytes.count { raw = raw << 8 | UInt64(bytes[i]) }
            return value(unscaled: Int64(bitPattern: raw), scale: scale)
        }
        // Magnitude as 32-bit limbs, most significant first.
        var magnitude = [UInt8](bytes[first...])
        if negative {
            // Two's complement negation: invert and add one.
            var carry = 1
            for i in stride(from: magnitude.count - 1, through: 0, by: -1) {
                let sum = Int(~magnitude[i]) + carry
                magnitude[i] = UInt8(truncatingIfNeeded: sum)
                carry = sum >> 8
            }
        }
        var limbs: [UInt32] = []
        limbs.reserveCapacity(magnitude.count / 4 + 1)
        var index = magnitude.count % 4
        if index > 0 {
            var limb: UInt32 = 0
            for i in 0..<index { limb = limb << 8 | UInt32(magnitude[i]) }
            limbs.append(limb)
        }
        while index < magnitude.count {
            var limb: UInt32 = 0
            for i in index..<(index + 4) { limb = limb << 8 | UInt32(magnitude[i]) }
            limbs.append(limb)
            index += 4
        }
        return fromDigits(decimalDigits(limbs), negative: negative, scale: scale)
    }

    /// The decimal digits of a magnitude held in 32-bit limbs (most significant first), by
    /// repeated division by 10^9.
    private static func decimalDigits(_ limbs: [UInt32]) -> [UInt8] {
        var limbs = limbs
        var groups: [UInt32] = []
        while let firstNonZero = limbs.firstIndex(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in firstNonZero..<limbs.count {
                let current = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(truncatingIfNeeded: current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            groups.append(UInt32(truncatingIfNeeded: remainder))
        }
        guard let top = groups.last else { return [UInt8(ascii: "0")] }
        var digits = Array(String(top).utf8)
        for group in groups.dropLast().reversed() {
            let text = Array(String(group).utf8)
            digits.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 9 - text.count))
            digits.append(contentsOf: text)
        }
        return digits
    }

    /// The value of the magnitude `digits` (no sign, no leading zeros unless "0") at `scale`.
    private static func fromDigits(_ digits: [UInt8], negative: Bool, scale: Int) -> Value {
        let zero = UInt8(ascii: "0")
        // Integer and fraction digits, the fraction padded to `scale` digits.
        let integerDigits = digits.count > scale ? Array(digits[..<(digits.count - scale)]) : [zero]
        let fraction =
            digits.count >= scale
            ? Array(digits[(digits.count - scale)...]) : Array(repeating: zero, count: scale - digits.count) + digits
        if fraction.allSatisfy({ $0 == zero }), let integer = integerValue(integerDigits, negative: negative) {
            return .int(integer)
        }
        var text: [UInt8] = []
        text.reserveCapacity(integerDigits.count + fraction.count + 2)
        if negative { text.append(UInt8(ascii: "-")) }
        text.append(contentsOf: integerDigits)
        if !fraction.isEmpty {
            text.append(UInt8(ascii: "."))
            text.append(contentsOf: fraction)
        }
        let string = String(decoding: text, as: UTF8.self)
        return ExactDecimal.value(string, atMost15Digits: significantDigits(integerDigits + fraction) <= 15)
    }

    private static func integerValue(_ digits: [UInt8], negative: Bool) -> Int? {
        guard digits.count <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for digit in digits { magnitude = magnitude * 10 + UInt64(digit - UInt8(ascii: "0")) }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int(magnitude)
    }

    /// The digits between the first and last non-zero digit, inclusive.
    private static func significantDigits(_ digits: [UInt8]) -> Int {
        let zero = UInt8(ascii: "0")
        guard let first = digits.firstIndex(where: { $0 != zero }), let last = digits.lastIndex(where: { $0 != zero }) else { return 0 }
        return last - first + 1
    }
}

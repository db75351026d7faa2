/// The exact unscaled value of a decimal number written as text (`-12.50`, `1e-5`), for a
/// column of a given precision and scale: no rounding ever, only digits that fit.
struct DecimalText {
    /// Why a number does not fit.
    enum Failure: Error, Equatable {
        /// Not a decimal number at all.
        case notANumber
        /// Non-zero digits past the scale (how many fraction digits the number has).
        case fractionDigits(Int)
        /// More digits before the point than precision − scale allows (how many there are).
        case integerDigits(Int)
    }

    /// Whether the value is negative (never for zero).
    var negative: Bool
    /// The unscaled value's decimal digits (0–9), most significant first, without leading
    /// zeros; empty for zero.
    var digits: [UInt8]

    /// Parses `[+-]digits[.digits][e[+-]digits]` and scales it to `scale` fraction digits,
    /// checking that at most `precision` digits remain.
    static func parse(_ text: UnsafeRawBufferPointer, precision: Int, scale: Int) -> Result<DecimalText, Failure> {
        var index = 0
        var negative = false
        if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        var digits: [UInt8] = []
        var fractionCount = 0
        var seenPoint = false
        var anyDigit = false
        while index < text.count {
            let byte = text[index]
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                anyDigit = true
                if !digits.isEmpty || digit != 0 { digits.append(digit) }
                if seenPoint { fractionCount += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard anyDigit else { return .failure(.notANumber) }
        var exponent = 0
        if index < text.count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
                exponentNegative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            var anyExponentDigit = false
            while index < text.count, text[index] &- UInt8(ascii: "0") < 10 {
                // Past 10^15 the number is far outside any precision either way (and the
                // arithmetic below stays far from overflow).
                if exponent < 1_000_000_000_000_000 { exponent = exponent * 10 + Int(text[index] &- UInt8(ascii: "0")) }
                anyExponentDigit = true
                index += 1
            }
            guard anyExponentDigit else { return .failure(.notANumber) }
            if exponentNegative { exponent = -exponent }
        }
        guard index == text.count else { return .failure(.notANumber) }
        // `digits` (leading zeros dropped; the fraction's leading zeros too) × 10^−fractionDigits.
        let fractionDigits = fractionCount - exponent
        guard !digits.isEmpty else { return .success(DecimalText(negative: false, digits: [])) }
        if fractionDigits > scale {
            // The digits past the scale must be zeros.
            let drop = fractionDigits - scale
            var trailingZeros = 0
            for digit in digits.reversed() {
                guard digit == 0 else { break }
                trailingZeros += 1
            }
            guard drop <= trailingZeros else {
                let significantFraction = fractionDigits - trailingZeros
                return .failure(.fractionDigits(significantFraction))
            }
            digits.removeLast(drop)
        } else if fractionDigits < scale {
            let add = scale - fractionDigits
            guard digits.count + add <= precision else {
                return .failure(.integerDigits(digits.count - fractionDigits))
            }
            digits.append(contentsOf: repeatElement(0, count: add))
        }
        guard digits.count <= precision else { return .failure(.integerDigits(digits.count - scale)) }
        return .success(DecimalText(negative: negative, digits: digits))
    }

    /// The unscaled value (callers keep precision ≤ 18, so it fits).
    var int64: Int64 {
        var value: Int64 = 0
        for digit in digits { value = value &* 10 &+ Int64(digit) }
        return negative ? 0 &- value : value
    }

    /// Appends the unscaled value as `length` bytes of big-endian two's complement (the
    /// caller sized `length` for the precision, so the value fits).
    func appendBigEndian(length: Int, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: length))
        for digit in digits {
            var carry = UInt32(digit)
            var i = start + length - 1
            while i >= start {
                let product = UInt32(out[i]) * 10 + carry
                out[i] = UInt8(truncatingIfNeeded: product)
                carry = product >> 8
                i -= 1
            }
        }
        guard negative else { return }
        var carry: UInt16 = 1
        var i = start + length - 1
        while i >= start {
            let sum = UInt16(~out[i]) + carry
            out[i] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
            i -= 1
        }
    }
}

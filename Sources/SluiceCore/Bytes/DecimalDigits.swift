/// The significant digits of a decimal number: up to 19 in a `UInt64`, the rest only
/// counted, with the power of ten that scales them.
package struct DecimalDigits {
    package var mantissa: UInt64 = 0
    package var significant = 0
    package var exponent = 0
    /// Whether a non-zero digit was dropped (the mantissa is then not exact).
    package var truncated = false

    @inline(__always)
    package mutating func addInteger(_ d: UInt8) {
        if significant < 19 {
            guard significant > 0 || d != 0 else { return }
            mantissa = mantissa &* 10 &+ UInt64(d)
            significant += 1
        } else {
            exponent += 1
            if d != 0 { truncated = true }
        }
    }

    @inline(__always)
    package mutating func addFraction(_ d: UInt8) {
        if significant < 19 {
            exponent -= 1
            guard significant > 0 || d != 0 else { return }
            mantissa = mantissa &* 10 &+ UInt64(d)
            significant += 1
        } else if d != 0 {
            truncated = true
        }
    }

    /// Clinger's fast path: exact when the mantissa fits a double's 53 bits and the power of
    /// ten is itself exact (at most 10^22), since one IEEE multiplication or division then
    /// rounds once. `nil` when the slow path is needed.
    @inline(__always)
    package func fastDouble(negative: Bool) -> Double? {
        if mantissa == 0, !truncated { return negative ? -0.0 : 0.0 }
        guard !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            value /= ByteNumber.powerOfTen(-exponent)
        } else if exponent > 0 {
            value *= ByteNumber.powerOfTen(exponent)
        }
        return negative ? -value : value
    }
}

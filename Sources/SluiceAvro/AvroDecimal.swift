// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

/// Avro decimals: a big-endian two's-complement unscaled integer and the schema's scale.
///
/// Read into Sluice's decimal convention: `.int` when the value is integral and within
/// `Int`; else `.double` when that double's shortest text is the same decimal; else the
/// exact decimal text with `scale` digits after the point — never a silent rounding.
enum AvroDecimal {
    /// The value of `unscaled` × 10^-`scale`.
    static func value(unscaled bytes: UnsafeRawBufferPointer, scale: Int) -> Value {
        if bytes.count <= 8 {
            var word: UInt64 = bytes.first.map { $0 >= 0x80 ? UInt64.max : 0 } ?? 0
            for byte in bytes { word = word << 8 | UInt64(byte) }
            let unscaled = Int(truncatingIfNeeded: word)
            if scale == 0 { return .int(unscaled) }
            if scale <= 18 {
                let divisor = powerOfTen(scale)
                if unscaled % divisor == 0 { return .int(unscaled / divisor) }
            }
        }
        let (negative, digits) = decimalDigits(bytes)
        return fromDigits(negative: negative, digits: digits, scale: scale)
    }

    /// 10^`exponent` for 0 ≤ `exponent` ≤ 18.
    static func powerOfTen(_ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// The sign and the decimal digits (ASCII, no leading zeros, `0` for zero) of a
    /// big-endian two's-complement integer.
    static func decimalDigits(_ bytes: UnsafeRawBufferPointer) -> (negative: Bool, digits: [UInt8]) {
        let negative = (bytes.first ?? 0) >= 0x80
        // The magnitude as little-endian 32-bit limbs (two's complement undone for negatives).
        var limbs = [UInt32](repeating: 0, count: (bytes.count + 3) / 4)
        for (i, byte) in bytes.reversed().enumerated() {
            limbs[i / 4] |= UInt32(negative ? ~byte : byte) << (8 * UInt32(i % 4))
        }
        if negative {
            // The magnitude is ~x + 1 over the input's bytes (limb bytes beyond them stay 0).
            var carry = true
            for i in limbs.indices where carry {
                let (sum, overflow) = limbs[i].addingReportingOverflow(1)
                limbs[i] = sum
                carry = overflow
            }
            if carry { limbs.append(1) }
        }
        var groups: [UInt32] = []
        while let top = limbs.last, top == 0 { limbs.removeLast() }
        while !limbs.isEmpty {
            var remainder: UInt64 = 0
            for i in limbs.indices.reversed() {
                let current = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(truncatingIfNeeded: current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            groups.append(UInt32(truncatingIfNeeded: remainder))
            while let top = limbs.last, top == 0 { limbs.removeLast() }
        }
        var digits: [UInt8] = []
        for (i, group) in groups.reversed().enumerated() {
            Timestamp.appendDigits(UInt(group), width: i == 0 ? 1 : 9, to: &digits)
        }
        if digits.isEmpty { digits = [UInt8(ascii: "0")] }
        return (negative && digits != [UInt8(ascii: "0")], digits)
    }

    /// The value of the decimal `digits` × 10^-`scale`.
    static func fromDigits(negative: Bool, digits: [UInt8], scale: Int) -> Value {
        let integerCount = digits.count - scale
        let fractionIsZero = digits.suffix(min(scale, digits.count)).allSatisfy { $0 == UInt8(ascii: "0") }
        if fractionIsZero {
            if integerCount <= 0 { return .int(0) }
            var magnitude: UInt64 = 0
            var fits = integerCount <= 19
            if fits {
                for digit in digits.prefix(integerCount) {
                    let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                    guard !o1, !o2 else {
                        fits = false
                        break
                    }
                    magnitude = sum
                }
            }
            if fits {
                if !negative, let value = Int(exactly: magnitude) { return .int(value) }
                if negative, magnitude <= UInt64(Int.max) + 1 { return .int(Int(truncatingIfNeeded: 0 &- magnitude)) }
            }
        }
        var text: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if scale == 0 {
            text.append(contentsOf: digits)
        } else if integerCount > 0 {
            text.append(contentsOf: digits.prefix(integerCount))
            text.append(UInt8(ascii: "."))
            text.append(contentsOf: digits.suffix(scale))
        } else {
            text.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -integerCount))
            text.append(contentsOf: digits)
        }
        let exact = String(decoding: text, as: UTF8.self)
        return ExactDecimal.value(exact)
    }

    /// A decimal text as sign, significant digits (no leading or trailing zeros) and the
    /// power of ten of the last digit; `nil` when it is not a decimal number.
    static func canonical(_ text: String) -> Canonical? {
        var digits: [UInt8] = []
        var negative = false
        var exponent = 0
        var afterPoint = false
        var seenDigit = false
        var iterator = text.utf8.makeIterator()
        var byte = iterator.next()
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            negative = byte == UInt8(ascii: "-")
            byte = iterator.next()
        }
        while let current = byte {
            if current >= UInt8(ascii: "0"), current <= UInt8(ascii: "9") {
                seenDigit = true
                if !(digits.isEmpty && current == UInt8(ascii: "0")) { digits.append(current) }
                if afterPoint { exponent -= 1 }
            } else if current == UInt8(ascii: "."), !afterPoint {
                afterPoint = true
            } else if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                guard let power = Int(String(decoding: Array(IteratorSequence(iterator)), as: UTF8.self).replacingPlus()) else { return nil }
                exponent += power
                byte = nil
                break
            } else {
                return nil
            }
            byte = iterator.next()
        }
        guard seenDigit else { return nil }
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        return Canonical(negative: negative, digits: digits, exponent: exponent)
    }

    /// A decimal number in canonical form.
    struct Canonical: Equatable {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int
    }
}

extension String {
    /// The text without a leading `+` (`Int("+5")` parses, but say so explicitly).
    fileprivate func replacingPlus() -> String {
        hasPrefix("+") ? String(dropFirst()) : self
    }
}

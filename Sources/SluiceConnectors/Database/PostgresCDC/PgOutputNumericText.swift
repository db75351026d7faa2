import SluiceCore

/// The exact-or-nothing conversion of a `numeric` value's text (`-12.50`, `NaN`, `Infinity`).
///
/// - An integral value that fits in 64 bits becomes an int (`12.00` → `12`).
/// - Otherwise a value whose decimal digits survive a trip through `Double` unchanged becomes
///   a double (`0.1`, `-12.5`): printing the double gives back the same number.
/// - Anything else stays the exact decimal text (`12345678901234567.89`, `NaN`), so no digit
///   is ever lost silently to binary floating point.
enum PgOutputNumericText {
    /// The value of `text`.
    static func value(_ text: String) -> Value {
        guard let decimal = PgOutputDecimal(text) else { return .string(text) }
        if decimal.isIntegral, let int = Int(decimal.integerText) { return .int(int) }
        if let double = Double(text), double.isFinite, PgOutputDecimal(String(double)) == decimal {
            return .double(double)
        }
        return .string(text)
    }
}

/// A decimal number reduced to sign, significant digits and a power of ten
/// (value = digits × 10^exponent), so two spellings of one number compare equal
/// (`1.50`, `1.5`, `15e-1`).
struct PgOutputDecimal: Equatable {
    /// Whether the number is below zero (never true for zero).
    var negative: Bool
    /// The significant digits without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// The power of ten the digits are multiplied by.
    var exponent: Int

    /// Parses `[+-]digits[.digits][e[+-]digits]`; `nil` for anything else (`NaN`, `Infinity`).
    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var seenPoint = false
        var anyDigit = false
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            anyDigit = true
            if seenPoint { exponent -= 1 }
            if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte) }
        }
        guard anyDigit else { return nil }
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()
            guard let power = Int(String(decoding: bytes, as: UTF8.self)), power.magnitude < 1_000_000 else { return nil }
            exponent += power
        }
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        self.negative = negative && !digits.isEmpty
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
    }

    /// Whether the number has no fractional part.
    var isIntegral: Bool { exponent >= 0 }

    /// The integer's decimal text (`-1200`) when ``isIntegral``, limited to sizes an
    /// `Int` might hold (longer ones give text `Int` rejects).
    var integerText: String {
        guard !digits.isEmpty else { return "0" }
        guard digits.count + exponent <= 20 else { return "overflow" }
        return (negative ? "-" : "") + String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: exponent)
    }
}

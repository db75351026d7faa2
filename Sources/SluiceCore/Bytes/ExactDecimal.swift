/// The rule every exact decimal (a Parquet or Avro decimal, a PostgreSQL or MySQL `numeric`)
/// follows when it becomes a ``Value``, so none is ever rounded silently: a double only when
/// the double's shortest text names the same number, else the exact decimal text.
package enum ExactDecimal {
    /// The value of the decimal text `text` (sign, digits, optional point): a `.double` when
    /// it round-trips through a double, else `.string(text)`. `atMost15Digits` says the
    /// caller knows it has at most 15 significant digits, which every double holds exactly.
    package static func value(_ text: String, atMost15Digits: Bool = false) -> Value {
        if let double = Double(text), double.isFinite, atMost15Digits || sameNumber(text, double.description) {
            return .double(double)
        }
        return .string(text)
    }

    /// Whether two decimal texts (sign, digits, optional point, optional exponent) name the
    /// same number.
    package static func sameNumber(_ a: String, _ b: String) -> Bool {
        guard let x = canonical(a), let y = canonical(b) else { return false }
        return x == y
    }

    private struct Canonical: Equatable {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int
    }

    /// Sign, significant digits (no leading or trailing zeros) and the decimal exponent of
    /// the first of them; zero has no digits and no sign.
    private static func canonical(_ text: String) -> Canonical? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var point: Int?
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits.append(byte)
            } else if byte == UInt8(ascii: "."), point == nil {
                point = digits.count
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let value = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)) else { return nil }
                exponent = value
                break
            } else {
                return nil
            }
            index += 1
        }
        let zero = UInt8(ascii: "0")
        guard let first = digits.firstIndex(where: { $0 != zero }), let last = digits.lastIndex(where: { $0 != zero }) else {
            return Canonical(negative: false, digits: [], exponent: 0)
        }
        return Canonical(negative: negative, digits: Array(digits[first...last]), exponent: (point ?? digits.count) - first + exponent)
    }
}

/// Exact decimal text, for deciding whether a DECIMAL value can be a Sluice number
/// without losing anything.
enum MySQLDecimalText {
    /// The canonical plain form of a decimal number written as `[-]digits[.digits]` or in
    /// exponent notation (`1.5e-7`): no leading zeros in the integer part (but one `0`),
    /// no trailing zeros in the fraction, no `.` without a fraction, and `0` for any zero.
    /// `nil` for anything else.
    static func canonical(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes.removeFirst()
        } else if bytes.first == UInt8(ascii: "+") {
            bytes.removeFirst()
        }
        var exponent = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let value = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self)) else { return nil }
            exponent = value
            bytes.removeSubrange(e...)
        }
        var integer = bytes
        var fraction: [UInt8] = []
        if let dot = bytes.firstIndex(of: UInt8(ascii: ".")) {
            integer = Array(bytes[..<dot])
            fraction = Array(bytes[(dot + 1)...])
        }
        let isDigit = { (b: UInt8) in b >= 48 && b <= 57 }
        guard !(integer.isEmpty && fraction.isEmpty), integer.allSatisfy(isDigit), fraction.allSatisfy(isDigit) else { return nil }
        // All digits, with the decimal point after `point` of them.
        var digits = integer + fraction
        var point = integer.count + exponent
        if point < 0 {
            digits = Array(repeating: UInt8(ascii: "0"), count: -point) + digits
            point = 0
        }
        if point > digits.count { digits += Array(repeating: UInt8(ascii: "0"), count: point - digits.count) }
        var whole = Array(digits[..<point])
        var frac = Array(digits[point...])
        while whole.first == UInt8(ascii: "0") { whole.removeFirst() }
        while frac.last == UInt8(ascii: "0") { frac.removeLast() }
        if whole.isEmpty { whole = [UInt8(ascii: "0")] }
        if whole == [UInt8(ascii: "0")], frac.isEmpty { return "0" }
        var out = negative ? "-" : ""
        out += String(decoding: whole, as: UTF8.self)
        if !frac.isEmpty { out += "." + String(decoding: frac, as: UTF8.self) }
        return out
    }

    /// The Sluice value of DECIMAL text: an int when it is a whole number that fits
    /// `Int`, a double when the double's shortest text is the same decimal number, else the
    /// exact text (canonical form) as a string.
    static func value(_ text: String) -> DecimalValue {
        guard let canonical = canonical(text) else { return .text(text) }
        if !canonical.utf8.contains(UInt8(ascii: ".")), let int = Int(canonical) { return .int(int) }
        if let double = Double(canonical), double.isFinite, self.canonical("\(double)") == canonical { return .double(double) }
        return .text(canonical)
    }

    /// ``value(_:)`` of the bytes the server sent (`-123.4500`), without building
    /// intermediate text for the common cases: whole numbers of up to 18 digits, and
    /// fractions whose double prints back the same.
    static func value(bytes: UnsafeRawBufferPointer) -> DecimalValue {
        let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
        let count = bytes.count
        var index = 0
        let negative = count > 0 && bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        let integerStart = index
        while index < count, bytes[index] >= zero, bytes[index] <= nine { index += 1 }
        let integerEnd = index
        var fractionStart = index
        var fractionEnd = index
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            fractionStart = index
            while index < count, bytes[index] >= zero, bytes[index] <= nine { index += 1 }
            fractionEnd = index
        }
        guard index == count, integerEnd > integerStart || fractionEnd > fractionStart else {
            return value(String(decoding: bytes, as: UTF8.self))
        }
        var first = integerStart
        while first < integerEnd, bytes[first] == zero { first += 1 }
        var last = fractionEnd
        while last > fractionStart, bytes[last - 1] == zero { last -= 1 }
        if last == fractionStart {
            guard integerEnd - first <= 18 else { return value(String(decoding: bytes, as: UTF8.self)) }
            var whole = 0
            for position in first..<integerEnd { whole = whole * 10 + Int(bytes[position] - zero) }
            return .int(negative ? -whole : whole)
        }
        var canonical = negative ? "-" : ""
        canonical += first == integerEnd ? "0" : String(decoding: UnsafeRawBufferPointer(rebasing: bytes[first..<integerEnd]), as: UTF8.self)
        canonical += "."
        canonical += String(decoding: UnsafeRawBufferPointer(rebasing: bytes[fractionStart..<last]), as: UTF8.self)
        guard let double = Double(canonical), double.isFinite else { return .text(canonical) }
        let printed = "\(double)"
        let same = printed.utf8.contains(UInt8(ascii: "e")) ? self.canonical(printed) == canonical : printed == canonical
        return same ? .double(double) : .text(canonical)
    }

    enum DecimalValue: Equatable {
        case int(Int)
        case double(Double)
        case text(String)
    }
}

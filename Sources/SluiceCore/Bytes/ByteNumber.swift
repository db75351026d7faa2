/// Number and boolean parsing straight from UTF-8 bytes, so readers never build a `String`
/// per cell on the hot path.
package enum ByteNumber {
    /// A parsed number: an integer when the text has no fraction or exponent and fits.
    package enum Parsed: Equatable {
        case int(Int)
        case double(Double)
    }

    /// Parses a CSV-style decimal number: `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`.
    /// `nil` for anything else (including empty text, spaces, `inf`, `nan` and hex).
    package static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed? {
        let count = bytes.count
        guard count > 0 else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var digits = DecimalDigits()
        let intStart = i
        while i < count {
            let d = bytes[i] &- 48
            guard d < 10 else { break }
            digits.addInteger(d)
            i += 1
        }
        let intDigits = i - intStart
        if i == count {
            guard intDigits > 0 else { return nil }
            if !digits.truncated, digits.exponent == 0, let value = signedInt(digits.mantissa, negative: negative) {
                return .int(value)
            }
            return .double(slowDouble(bytes))
        }
        var fractionDigits = 0
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < count {
                let d = bytes[i] &- 48
                guard d < 10 else { break }
                digits.addFraction(d)
                i += 1
            }
            fractionDigits = i - fractionStart
        }
        guard intDigits + fractionDigits > 0 else { return nil }
        if i < count {
            guard bytes[i] | 0x20 == UInt8(ascii: "e") else { return nil }
            i += 1
            var expNegative = false
            if i < count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            var e = 0
            while i < count {
                let d = bytes[i] &- 48
                guard d < 10 else { return nil }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            guard i > expStart else { return nil }
            digits.exponent += expNegative ? -e : e
        }
        return .double(digits.fastDouble(negative: negative) ?? slowDouble(bytes))
    }

    @inline(__always)
    package static func signedInt(_ magnitude: UInt64, negative: Bool) -> Int? {
        if negative {
            if magnitude <= UInt64(Int.max) { return -Int(magnitude) }
            if magnitude == UInt64(Int.max) + 1 { return Int.min }
            return nil
        }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }

    /// 10^e for 0 ≤ e ≤ 22, exactly: every power of ten up to 10^22 is representable, and
    /// so is every product formed here.
    @inline(__always)
    package static func powerOfTen(_ e: Int) -> Double {
        var result = 1.0
        var base = 10.0
        var n = e
        while n > 0 {
            if n & 1 == 1 { result *= base }
            base *= base
            n >>= 1
        }
        return result
    }

    /// The correctly rounded value of text the fast path cannot handle (long mantissas,
    /// large exponents), via the standard library's parser; `bytes` must already be valid.
    package static func slowDouble(_ bytes: UnsafeRawBufferPointer) -> Double {
        var text = String(decoding: bytes, as: UTF8.self)
        // Normalize the spellings CSV allows but Swift's parser may not: `+1`, `1.`, `.5`.
        if text.hasPrefix("+") { text.removeFirst() }
        if let dot = text.firstIndex(of: ".") {
            let after = text.index(after: dot)
            if after == text.endIndex || !text[after].isNumber { text.insert("0", at: after) }
            if dot == text.startIndex || text[text.index(before: dot)] == "-" { text.insert("0", at: dot) }
        }
        return Double(text) ?? .nan
    }

    /// `true`/`false` in any letter case.
    @inline(__always)
    package static func parseStrictBool(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        if bytes.count == 4 {
            if bytes[0] | 0x20 == 0x74, bytes[1] | 0x20 == 0x72, bytes[2] | 0x20 == 0x75, bytes[3] | 0x20 == 0x65 { return true }
        } else if bytes.count == 5 {
            if bytes[0] | 0x20 == 0x66, bytes[1] | 0x20 == 0x61, bytes[2] | 0x20 == 0x6C, bytes[3] | 0x20 == 0x73,
                bytes[4] | 0x20 == 0x65
            {
                return false
            }
        }
        return nil
    }

    /// `true`/`false`/`yes`/`no`/`1`/`0` in any letter case, as a schema-typed boolean accepts.
    package static func parseLenientBool(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        if let b = parseStrictBool(bytes) { return b }
        switch bytes.count {
        case 1:
            if bytes[0] == UInt8(ascii: "1") { return true }
            if bytes[0] == UInt8(ascii: "0") { return false }
        case 2:
            if bytes[0] | 0x20 == UInt8(ascii: "n"), bytes[1] | 0x20 == UInt8(ascii: "o") { return false }
        case 3:
            if bytes[0] | 0x20 == UInt8(ascii: "y"), bytes[1] | 0x20 == UInt8(ascii: "e"), bytes[2] | 0x20 == UInt8(ascii: "s") {
                return true
            }
        default: break
        }
        return nil
    }

    /// `bytes` without leading and trailing spaces and tabs.
    @inline(__always)
    package static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}

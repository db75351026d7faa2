
/// A position in a buffer of JSON bytes with the scanning steps the readers share: strings,
/// numbers, literals and skipping whole values. Messages and offsets match ``JSONParser``'s.
package struct JSONCursor {
    package let p: UnsafeRawBufferPointer
    package var i: Int

    package init(_ p: UnsafeRawBufferPointer, at i: Int) {
        self.p = p
        self.i = i
    }

    @inline(__always) package var atEnd: Bool { i >= p.count }

    /// An error at the current offset; truncated when the cursor is at the end.
    package func error(_ message: String) -> JSONScanError {
        JSONScanError(offset: i, message: message, truncated: i >= p.count)
    }

    @inline(__always)
    package mutating func skipSpace() {
        while i < p.count {
            let b = p[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    /// Where a scanned string's text is.
    package enum StringSpan {
        /// `start..<end` of the scanned buffer: the string had no escapes.
        case raw(Int, Int)
        /// `start..<end` of the scratch buffer the escapes were decoded into.
        case decoded(Int, Int)
    }

    /// Scans the string whose opening quote is at the cursor; escapes are decoded into `scratch`.
    package mutating func scanString(into scratch: inout [UInt8]) throws(JSONScanError) -> StringSpan {
        i += 1
        let start = i
        i = ByteClasses.firstJSONStringSpecial(in: p, from: i)
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return .raw(start, i - 1)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("control character in string") }
            i += 1
        }
        let outStart = scratch.count
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[start..<i]))
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return .decoded(outStart, scratch.count)
            }
            if b < 0x20 { throw error("control character in string") }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                i += 1
                continue
            }
            i += 1
            guard i < p.count else { break }
            let escaped = p[i]
            i += 1
            switch escaped {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                        var e = error("unpaired surrogate in \\u escape")
                        e.truncated = i + 1 >= p.count
                        throw e
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                appendUTF8(scalar, to: &scratch)
            default:
                throw error("invalid escape '\\\(JSONCursor.printable(escaped))'")
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(JSONScanError) -> UInt32 {
        guard i + 4 <= p.count else {
            var e = error("truncated \\u escape")
            e.truncated = true
            throw e
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = p[i]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - 55)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Scans the number at the cursor (JSON grammar); integers that fit stay integers.
    package mutating func scanNumber() throws(JSONScanError) -> ByteNumber.Parsed {
        let start = i
        var negative = false
        if p[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let intStart = i
        var digits = DecimalDigits()
        while i < p.count {
            let d = p[i] &- 48
            guard d < 10 else { break }
            digits.addInteger(d)
            i += 1
        }
        let intDigits = i - intStart
        guard intDigits > 0 else { throw error("invalid number") }
        if intDigits > 1, p[intStart] == UInt8(ascii: "0") { throw error("leading zero in number") }
        var isInteger = true
        if i < p.count, p[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fractionStart = i
            while i < p.count {
                let d = p[i] &- 48
                guard d < 10 else { break }
                digits.addFraction(d)
                i += 1
            }
            guard i > fractionStart else { throw error("invalid number: digits expected after '.'") }
        }
        if i < p.count, p[i] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            var expNegative = false
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            var e = 0
            while i < p.count {
                let d = p[i] &- 48
                guard d < 10 else { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            guard i > expStart else { throw error("invalid number: digits expected in exponent") }
            digits.exponent += expNegative ? -e : e
        }
        if isInteger, !digits.truncated, digits.exponent == 0, let value = ByteNumber.signedInt(digits.mantissa, negative: negative) {
            return .int(value)
        }
        let text = UnsafeRawBufferPointer(rebasing: p[start..<i])
        return .double(digits.fastDouble(negative: negative) ?? ByteNumber.slowDouble(text))
    }

    /// Consumes `literal` (`true`, `false`, `null`) at the cursor.
    package mutating func expectLiteral(_ literal: StaticString) throws(JSONScanError) {
        let count = literal.utf8CodeUnitCount
        guard i + count <= p.count else {
            var e = error("unexpected end of input")
            e.truncated = true
            throw e
        }
        let matches = literal.withUTF8Buffer { lit in
            (0..<count).allSatisfy { p[i + $0] == lit[$0] }
        }
        guard matches else { throw error("invalid literal") }
        i += count
    }

    /// Skips one whole value, checking its syntax; `depth` is the nesting it would have.
    package mutating func skipValue(depth: Int) throws(JSONScanError) {
        guard i < p.count else { throw error("unexpected end of input") }
        var scratch: [UInt8] = []
        switch p[i] {
        case UInt8(ascii: "{"):
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
            i += 1
            skipSpace()
            if i < p.count, p[i] == UInt8(ascii: "}") {
                i += 1
                return
            }
            while true {
                skipSpace()
                guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                _ = try scanString(into: &scratch)
                scratch.removeAll(keepingCapacity: true)
                skipSpace()
                guard i < p.count, p[i] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
                i += 1
                skipSpace()
                try skipValue(depth: depth + 1)
                skipSpace()
                guard i < p.count else { throw error("unexpected end of input in object") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                    return
                }
                throw error("expected ',' or '}' in object")
            }
        case UInt8(ascii: "["):
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
            i += 1
            skipSpace()
            if i < p.count, p[i] == UInt8(ascii: "]") {
                i += 1
                return
            }
            while true {
                skipSpace()
                try skipValue(depth: depth + 1)
                skipSpace()
                guard i < p.count else { throw error("unexpected end of input in array") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if p[i] == UInt8(ascii: "]") {
                    i += 1
                    return
                }
                throw error("expected ',' or ']' in array")
            }
        case UInt8(ascii: "\""): _ = try scanString(into: &scratch)
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw error("unexpected character '\(JSONCursor.printable(p[i]))'")
        }
    }

    /// The name of the kind of value starting with `byte`, for messages (`found number`).
    package static func kindName(startingWith byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "{"): return "object"
        case UInt8(ascii: "["): return "array"
        case UInt8(ascii: "\""): return "string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "number"
        }
    }

    package static func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}

import SluiceCore

/// Strict readers for the text a value would be sent as, each accepting only a form that
/// PostgreSQL's own input function reads the same way in every version, setting and locale
/// (so the binary COPY stores exactly what the text would have stored). Anything else gives
/// `nil`, and the rows then go in text form for the server to read (or refuse) itself.
enum PostgresTextInput {
    /// `[+-]?[0-9]+` within Int64 (`int8in`, `int4in`, `int2in` read it so).
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        guard index < bytes.count else { return nil }
        var magnitude: UInt64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (scaled, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A decimal number: `[+-]?` digits with an optional point (`12`, `1.50`, `.5`, `5.`) and
    /// an optional exponent (`e-3`), as `numeric_in`, `float8in` and `float4in` read it.
    struct Decimal {
        /// The ASCII digits, point and sign removed (leading and trailing zeros kept).
        var digits: [UInt8]
        /// The number of digits before the point, after applying the exponent (may be
        /// negative or beyond `digits.count`).
        var pointPosition: Int
        /// The digits after the point as `numeric_in` counts them: written fraction digits
        /// minus the exponent, at least 0.
        var scale: Int
        var negative: Bool
    }

    /// The decimal `bytes` spell, when they are one (exponent within ±1000, at most 1000 digits).
    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Decimal? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(bytes.count)
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte &- UInt8(ascii: "0") < 10 {
                digits.append(byte)
                if seenPoint { fractionDigits += 1 } else { integerDigits += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard !digits.isEmpty, digits.count <= 1000 else { return nil }
        var exponent = 0
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return nil }
            guard let value = integer(UnsafeRawBufferPointer(rebasing: bytes[(index + 1)...])), value.magnitude <= 1000 else { return nil }
            exponent = Int(value)
        }
        return Decimal(digits: digits, pointPosition: integerDigits + exponent, scale: max(0, fractionDigits - exponent), negative: negative)
    }

    /// The boolean of `true`, `false`, `t`, `f`, `yes`, `no`, `y`, `n`, `on`, `off`, `1`, `0`
    /// in any case (`boolin` reads these so).
    static func boolean(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        guard bytes.count <= 5 else { return nil }
        var lower: [UInt8] = []
        lower.reserveCapacity(bytes.count)
        for byte in bytes { lower.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
        switch String(decoding: lower, as: UTF8.self) {
        case "true", "t", "yes", "y", "on", "1": return true
        case "false", "f", "no", "n", "off", "0": return false
        default: return nil
        }
    }

    /// The 16 bytes of a UUID written as 32 hex digits, with hyphens at 8-4-4-4-12 or none.
    static func uuid(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        let hyphens: Set<Int> = bytes.count == 36 ? [8, 13, 18, 23] : []
        guard bytes.count == 32 || bytes.count == 36 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        var high: UInt8?
        for (index, byte) in bytes.enumerated() {
            if hyphens.contains(index) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = hexValue(byte) else { return nil }
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out.count == 16 ? out : nil
    }

    /// The bytes `byteain` reads from `bytes`: the text itself when it has no backslash, the
    /// decoded pairs of `\x` followed by hex digits; nil for the escape format.
    static func bytea(_ bytes: UnsafeRawBufferPointer) -> ArraySlice<UInt8>? {
        guard bytes.contains(UInt8(ascii: "\\")) else { return ArraySlice(bytes) }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index < bytes.count {
            guard let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out[...]
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

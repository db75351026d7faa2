/// Integer and double text written straight through a pointer, for the encoders' row loops.
///
/// Callers reserve room first: ``maxIntWidth`` bytes for an integer (or its column's
/// ``decimalWidth(_:)``), ``maxDoubleWidth`` for a double.
enum DecimalWriting {
    /// Bytes the longest integer takes (`-9223372036854775808`).
    static let maxIntWidth = 20
    /// Bytes the longest double description takes (`-1.7976931348623157e+308` is 24), with room to spare.
    static let maxDoubleWidth = 32

    /// `00`, `01`, … `99`: two digits per lookup halves the divisions.
    private static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// The number of decimal digits of `magnitude` (1 for 0).
    @inline(__always)
    static func digitCount(_ magnitude: UInt64) -> Int {
        var count = 1
        var limit: UInt64 = 10
        while count < 20, magnitude >= limit {
            count += 1
            limit = limit &* 10
        }
        return count
    }

    /// The bytes `value` takes as decimal text, sign included.
    @inline(__always)
    static func decimalWidth(_ value: Int) -> Int {
        digitCount(UInt64(value.magnitude)) + (value < 0 ? 1 : 0)
    }

    /// The bytes the widest of the first `count` values from `p` takes as decimal text.
    static func widestDecimal(_ p: UnsafePointer<Int>, count: Int) -> Int {
        guard count > 0 else { return 0 }
        var low = p[0]
        var high = p[0]
        for i in 1..<count {
            low = min(low, p[i])
            high = max(high, p[i])
        }
        return max(decimalWidth(low), decimalWidth(high))
    }

    /// Writes the digits of `magnitude` (exactly `count` of them, leading zeros included).
    @inline(__always)
    static func writeDigits(_ magnitude: UInt64, count: Int, at p: UnsafeMutablePointer<UInt8>) {
        let pairs = digitPairs.utf8Start
        var rest = magnitude
        var end = p + count
        while end - p >= 2 {
            let pair = Int(rest % 100)
            rest /= 100
            end -= 2
            end[0] = pairs[2 * pair]
            end[1] = pairs[2 * pair + 1]
        }
        if end > p { p.pointee = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0") }
    }

    /// Writes `value` in decimal (as `String(value)` spells it); returns the end.
    @inline(__always)
    static func writeInt(_ value: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = p
        if value < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        let magnitude = UInt64(value.magnitude)
        let count = digitCount(magnitude)
        writeDigits(magnitude, count: count, at: p)
        return p + count
    }

    /// Writes `value` exactly as `value.description` spells it (the shortest text that reads
    /// back as the same double, `nan`/`inf` included); returns the end.
    @inline(__always)
    static func writeDouble(_ value: Double, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if let end = writeShortFixed(value, at: p) { return end }
        var text = value.description
        return text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return p }
            p.update(from: base, count: utf8.count)
            return p + utf8.count
        }
    }

    /// The common case of ``writeDouble(_:at:)`` without the standard library's general
    /// algorithm: a value below 2³² that is exactly the nearest double to a decimal with at
    /// most four fraction digits (`130.36`, `7.0`, `0.0001`). `nil` for anything else.
    ///
    /// Why the text is then the shortest round-trip form: `m / 10⁴` with `m` an integer
    /// below 2⁵³ is one correctly rounded division, so reading the text back gives `value`;
    /// and below 2³² one unit in the last place is under 10⁻⁶, narrower than the gap
    /// between any two different decimals this short, so no shorter or equally short text
    /// reads back as `value`. Values from 10⁻⁴ to 2⁵³ are written in plain notation by
    /// `description`, which this matches (`0.0`, `-0.0`, a trailing `.0` on integers).
    /// `DoubleTextTests` checks it against `description` on millions of values.
    @inline(__always)
    static func writeShortFixed(_ value: Double, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>? {
        let magnitude = value.magnitude
        guard magnitude < 4_294_967_296 else { return nil }
        // Adding and taking away 2⁵² rounds to an integer (the product is below 2⁴⁶) without
        // a call into libm; any rounding would do, since the result is checked.
        let scaled = (magnitude * 10_000 + 4_503_599_627_370_496) - 4_503_599_627_370_496
        guard scaled / 10_000 == magnitude, magnitude >= 0.0001 || magnitude == 0 else { return nil }
        var p = p
        if value.sign == .minus {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        let units = UInt64(scaled)
        let integer = units / 10_000
        var fraction = units % 10_000
        let count = digitCount(integer)
        writeDigits(integer, count: count, at: p)
        p += count
        p.pointee = UInt8(ascii: ".")
        p += 1
        guard fraction != 0 else {
            p.pointee = UInt8(ascii: "0")
            return p + 1
        }
        var digits = 4
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        writeDigits(fraction, count: digits, at: p)
        return p + digits
    }
}

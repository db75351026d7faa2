/// The scanning steps of ``JSONRecordAssembler``'s path for usual records: each checks the
/// JSON grammar as ``JSONCursor`` does, but gives up (`nil` or `false`) on anything it does
/// not handle itself, rather than describing the error.
enum JSONUsualScan {
    /// Reads the members of the object whose `{` is at `start`, matching its keys against
    /// `template` in order and putting the wanted values in `members`. Returns the offset
    /// just past the `}`, or `nil`. Without `lineFeeds`, a line feed
    /// between tokens is not taken as a space (the object must lie on one line).
    @inline(__always)
    static func object(
        _ base: UnsafeRawPointer, _ n: Int, from start: Int, lineFeeds: Bool, template: UnsafeBufferPointer<JSONUsualKey>,
        keys: UnsafeRawBufferPointer, into members: inout [JSONUsualMember]
    ) -> Int? {
        var i = start + 1
        var k = 0
        skipSpace(base, n, &i, lineFeeds: lineFeeds)
        if i < n, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard k < template.count, i < n, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "\"") else { return nil }
                let key = template[k]
                let keyEnd = i + 1 + key.keyLength
                guard keyEnd < n, base.load(fromByteOffset: keyEnd, as: UInt8.self) == UInt8(ascii: "\"") else { return nil }
                if key.keyLength <= 8, i + 9 <= n {
                    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 1, as: UInt64.self))
                    guard word & key.prefixMask == key.prefix else { return nil }
                } else {
                    guard key.keyLength == 0 || equal(keys.baseAddress! + key.keyStart, base + i + 1, key.keyLength) else { return nil }
                }
                i = keyEnd + 1
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n else { return nil }
                let first = base.load(fromByteOffset: i, as: UInt8.self)
                if key.wanted {
                    guard let member = value(base, n, &i, field: key.field) else { return nil }
                    members.append(member)
                } else if first == UInt8(ascii: "\"") {
                    guard let end = stringEnd(base, n, from: i + 1) else { return nil }
                    i = end + 1
                } else if first &- 48 < 10 || first == UInt8(ascii: "-") {
                    guard skipNumber(base, n, &i) else { return nil }
                } else {
                    guard skipValue(base, n, &i, depth: 0, lineFeeds: lineFeeds) else { return nil }
                }
                k += 1
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n else { return nil }
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                if b == UInt8(ascii: ",") { continue }
                guard b == UInt8(ascii: "}") else { return nil }
                break
            }
        }
        return i
    }

    /// Whether the `count` bytes at `p` are all ASCII (then valid UTF-8).
    @inline(__always)
    static func isASCII(_ p: UnsafeRawPointer, _ count: Int) -> Bool {
        var i = 0
        var bits: UInt64 = 0
        while i + 32 <= count {
            bits |= p.loadUnaligned(fromByteOffset: i, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            i += 32
        }
        while i + 8 <= count {
            bits |= p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            bits |= UInt64(p.load(fromByteOffset: i, as: UInt8.self))
            i += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    @inline(__always)
    static func skipSpace(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int, lineFeeds: Bool) {
        while i < n {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            guard b == 0x20 || (b == 0x0A && lineFeeds) || b == 0x0D || b == 0x09 else { return }
            i += 1
        }
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        var k = 0
        while k + 8 <= count {
            if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
            k += 8
        }
        while k < count {
            if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
            k += 1
        }
        return true
    }

    /// From just after an opening quote: the offset of the closing quote, when the string
    /// has no escape and no control character.
    @inline(__always)
    static func stringEnd(_ base: UnsafeRawPointer, _ n: Int, from start: Int) -> Int? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = start
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let q = w ^ 0x2222_2222_2222_2222
            let s = w ^ 0x5C5C_5C5C_5C5C_5C5C
            // The lowest flagged byte is exact: a borrow only runs upward from a real match.
            let hits = ((q &- ones) & ~q | (s &- ones) & ~s | (w &- ones &* 0x20) & ~w) & high
            if hits != 0 {
                i += hits.trailingZeroBitCount >> 3
                return base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "\"") ? i : nil
            }
            i += 8
        }
        while i < n {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == UInt8(ascii: "\"") { return i }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    /// Skips a number (JSON grammar); `false` when there is none at `i`.
    @inline(__always)
    static func skipNumber(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int) -> Bool {
        var j = i
        if base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: "-") { j += 1 }
        let intStart = j
        while j < n, base.load(fromByteOffset: j, as: UInt8.self) &- 48 < 10 { j += 1 }
        guard j > intStart, j == intStart + 1 || base.load(fromByteOffset: intStart, as: UInt8.self) != UInt8(ascii: "0") else { return false }
        if j < n, base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: ".") {
            j += 1
            let fractionStart = j
            while j < n, base.load(fromByteOffset: j, as: UInt8.self) &- 48 < 10 { j += 1 }
            guard j > fractionStart else { return false }
        }
        if j < n, base.load(fromByteOffset: j, as: UInt8.self) | 0x20 == UInt8(ascii: "e") {
            j += 1
            if j < n, base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: "+") || base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: "-") {
                j += 1
            }
            let exponentStart = j
            while j < n, base.load(fromByteOffset: j, as: UInt8.self) &- 48 < 10 { j += 1 }
            guard j > exponentStart else { return false }
        }
        i = j
        return true
    }

    /// Whether `literal` is at `i` (then skipped).
    @inline(__always)
    static func literal(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard i + count <= n, equal(UnsafeRawPointer(literal.utf8Start), base + i, count) else { return false }
        i += count
        return true
    }

    /// Reads a wanted member's value: a string without escapes, a literal, or a short number.
    @inline(__always)
    static func value(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int, field: Int) -> JSONUsualMember? {
        let b = base.load(fromByteOffset: i, as: UInt8.self)
        switch b {
        case UInt8(ascii: "\""):
            guard let end = stringEnd(base, n, from: i + 1) else { return nil }
            let member = JSONUsualMember(field: field, kind: .text, payload: UInt64(i + 1), end: end)
            i = end + 1
            return member
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number(base, n, &i, field: field)
        case UInt8(ascii: "t"):
            return literal(base, n, &i, "true") ? JSONUsualMember(field: field, kind: .bool, payload: 1, end: 0) : nil
        case UInt8(ascii: "f"):
            return literal(base, n, &i, "false") ? JSONUsualMember(field: field, kind: .bool, payload: 0, end: 0) : nil
        case UInt8(ascii: "n"):
            return literal(base, n, &i, "null") ? JSONUsualMember(field: field, kind: .null, payload: 0, end: 0) : nil
        default:
            return nil
        }
    }

    /// A number as ``JSONCursor/scanNumber()`` reads it, when it is `-?digits` of up to 18
    /// digits (an integer) or `-?digits.digits` of up to 15 digits (the digits as an integer
    /// divided once by an exact power of ten, which is what its fast path computes).
    @inline(__always)
    static func number(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int, field: Int) -> JSONUsualMember? {
        var j = i
        var negative = false
        if base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: "-") {
            negative = true
            j += 1
        }
        let intStart = j
        var mantissa: UInt64 = 0
        while j < n {
            let d = base.load(fromByteOffset: j, as: UInt8.self) &- 48
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            j += 1
        }
        let intDigits = j - intStart
        guard intDigits > 0, intDigits <= 18, intDigits == 1 || base.load(fromByteOffset: intStart, as: UInt8.self) != UInt8(ascii: "0") else {
            return nil
        }
        guard j < n, base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: ".") else {
            if j < n, base.load(fromByteOffset: j, as: UInt8.self) | 0x20 == UInt8(ascii: "e") { return nil }
            i = j
            let value = negative ? -Int(mantissa) : Int(mantissa)
            return JSONUsualMember(field: field, kind: .int, payload: UInt64(UInt(bitPattern: value)), end: 0)
        }
        j += 1
        let fractionStart = j
        while j < n {
            let d = base.load(fromByteOffset: j, as: UInt8.self) &- 48
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            j += 1
        }
        let fractionDigits = j - fractionStart
        guard fractionDigits > 0, intDigits + fractionDigits <= 15 else { return nil }
        if j < n, base.load(fromByteOffset: j, as: UInt8.self) | 0x20 == UInt8(ascii: "e") { return nil }
        i = j
        var value = 0.0
        if mantissa != 0 { value = Double(mantissa) / ExactPowerOfTen.of(fractionDigits) }
        if negative { value = -value }
        return JSONUsualMember(field: field, kind: .double, payload: value.bitPattern, end: 0)
    }

    /// Skips one value (checking its syntax); `false` when it is not of the usual shape.
    static func skipValue(_ base: UnsafeRawPointer, _ n: Int, _ i: inout Int, depth: Int, lineFeeds: Bool) -> Bool {
        switch base.load(fromByteOffset: i, as: UInt8.self) {
        case UInt8(ascii: "\""):
            guard let end = stringEnd(base, n, from: i + 1) else { return false }
            i = end + 1
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return skipNumber(base, n, &i)
        case UInt8(ascii: "t"): return literal(base, n, &i, "true")
        case UInt8(ascii: "f"): return literal(base, n, &i, "false")
        case UInt8(ascii: "n"): return literal(base, n, &i, "null")
        case UInt8(ascii: "["):
            guard depth < 32 else { return false }
            i += 1
            skipSpace(base, n, &i, lineFeeds: lineFeeds)
            guard i < n else { return false }
            if base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "]") {
                i += 1
                return true
            }
            while true {
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n, skipValue(base, n, &i, depth: depth + 1, lineFeeds: lineFeeds) else { return false }
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n else { return false }
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                if b == UInt8(ascii: ",") { continue }
                return b == UInt8(ascii: "]")
            }
        case UInt8(ascii: "{"):
            guard depth < 32 else { return false }
            i += 1
            skipSpace(base, n, &i, lineFeeds: lineFeeds)
            guard i < n else { return false }
            if base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "}") {
                i += 1
                return true
            }
            while true {
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "\""),
                    let end = stringEnd(base, n, from: i + 1)
                else { return false }
                i = end + 1
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n, base.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: ":") else { return false }
                i += 1
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n, skipValue(base, n, &i, depth: depth + 1, lineFeeds: lineFeeds) else { return false }
                skipSpace(base, n, &i, lineFeeds: lineFeeds)
                guard i < n else { return false }
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                if b == UInt8(ascii: ",") { continue }
                return b == UInt8(ascii: "}")
            }
        default:
            return false
        }
    }
}

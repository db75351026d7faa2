/// Counts the elements of a JSON array by its structure alone: brackets, commas and string
/// bounds, eight bytes at a time inside strings. It does not check numbers, literals or
/// escapes, so it is several times faster than a validating scan; it is meant for a body that
/// will be decoded anyway (an API page), where it lets the next request start before the
/// decoding. Written here because no package offers a structural JSON scan.
package enum JSONArrayCounter {
    /// The elements of the array starting at `start` (its `[`, after any white space), and the
    /// index after its `]`; nil when there is no array there, it is cut short, nests deeper
    /// than the parser allows, or its commas are misplaced (`[1,,2]`). Mismatched brackets
    /// inside elements are not noticed: the decoder reports them.
    package static func count(in bytes: UnsafeRawBufferPointer, from start: Int) -> (elements: Int, end: Int)? {
        var i = start
        let n = bytes.count
        while i < n, isSpace(bytes[i]) { i += 1 }
        guard i < n, bytes[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var depth = 1
        var elements = 0
        var inElement = false
        while i < n {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "\""):
                guard let after = endOfString(bytes, from: i + 1) else { return nil }
                i = after
                inElement = true
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                inElement = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 {
                    guard byte == UInt8(ascii: "]") else { return nil }
                    if inElement {
                        elements += 1
                    } else if elements > 0 {
                        return nil  // a trailing comma: [1,]
                    }
                    return (elements, i + 1)
                }
            case UInt8(ascii: ","):
                if depth == 1 {
                    guard inElement else { return nil }
                    elements += 1
                    inElement = false
                }
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                break
            default:
                inElement = true
            }
            i += 1
        }
        return nil
    }

    /// The index after the quote that closes the string whose content starts at `start`; nil
    /// when it is not closed. Looks at eight bytes at a time for a quote or a backslash.
    @inline(__always)
    static func endOfString(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let n = bytes.count
        var i = start
        while true {
            while i + 8 <= n {
                let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
                let found = zeroBytes(word ^ 0x2222_2222_2222_2222) | zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                if found != 0 {
                    i += found.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            while i < n, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") { i += 1 }
            guard i < n else { return nil }
            if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 2  // a backslash and the byte it escapes
            guard i <= n else { return nil }
        }
    }

    /// The high bit set in each byte of `word` that is zero. Bytes above the lowest zero byte
    /// may be flagged wrongly, so only the lowest flag is exact.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }
}

import SluiceFormats

/// Decoding of XML character data and attribute values: the five predefined entities,
/// numeric character references, line-end normalization (CR LF and lone CR become LF) and,
/// in attribute values, white-space normalization (tab and line feed become spaces).
enum XMLTextDecoding {
    /// Why a reference could not be decoded, and at which byte of the raw text.
    struct Failure: Error {
        var message: String
        var offset: Int
    }

    /// Appends the decoded form of `raw` to `out`. `cdata` text has no references.
    static func decode(_ raw: UnsafeRawBufferPointer, attribute: Bool = false, cdata: Bool = false, into out: inout [UInt8]) throws(Failure) {
        let n = raw.count
        var i = 0
        var runStart = 0
        while i < n {
            let b = raw[i]
            if b == UInt8(ascii: "&"), !cdata {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[runStart..<i]))
                i = try reference(raw, at: i, into: &out)
                runStart = i
            } else if b == 0x0D {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[runStart..<i]))
                out.append(attribute ? 0x20 : 0x0A)
                i += 1
                if i < n, raw[i] == 0x0A { i += 1 }
                runStart = i
            } else if attribute, b == 0x09 || b == 0x0A {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[runStart..<i]))
                out.append(0x20)
                i += 1
                runStart = i
            } else {
                i += 1
            }
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[runStart..<n]))
    }

    /// Decodes the reference starting at `at` (`&`); returns the index after its `;`.
    private static func reference(_ raw: UnsafeRawBufferPointer, at: Int, into out: inout [UInt8]) throws(Failure) -> Int {
        let n = raw.count
        var semicolon = at + 1
        while semicolon < n, raw[semicolon] != UInt8(ascii: ";"), semicolon - at <= 12 { semicolon += 1 }
        guard semicolon < n, raw[semicolon] == UInt8(ascii: ";") else {
            throw Failure(message: "an `&` that does not start a reference", offset: at)
        }
        let body = UnsafeRawBufferPointer(rebasing: raw[(at + 1)..<semicolon])
        if body.first == UInt8(ascii: "#") {
            var value: UInt32 = 0
            var digits = 0
            let hex = body.count > 1 && (body[1] == UInt8(ascii: "x"))
            for b in body.dropFirst(hex ? 2 : 1) {
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: d = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw Failure(message: "a malformed character reference", offset: at)
                }
                value = value &* (hex ? 16 : 10) &+ d
                digits += 1
                guard value <= 0x10FFFF else { throw Failure(message: "a character reference beyond U+10FFFF", offset: at) }
            }
            guard digits > 0 else { throw Failure(message: "a malformed character reference", offset: at) }
            guard let scalar = Unicode.Scalar(value), value != 0 else {
                throw Failure(message: "a character reference to an invalid character (\(value))", offset: at)
            }
            appendUTF8(scalar, to: &out)
            return semicolon + 1
        }
        let byte: UInt8
        switch body.count {
        case 2 where body[0] == UInt8(ascii: "l") && body[1] == UInt8(ascii: "t"): byte = UInt8(ascii: "<")
        case 2 where body[0] == UInt8(ascii: "g") && body[1] == UInt8(ascii: "t"): byte = UInt8(ascii: ">")
        case 3 where body.elementsEqual("amp".utf8): byte = UInt8(ascii: "&")
        case 4 where body.elementsEqual("quot".utf8): byte = UInt8(ascii: "\"")
        case 4 where body.elementsEqual("apos".utf8): byte = UInt8(ascii: "'")
        default:
            throw Failure(message: "an undefined entity `&\(String(decoding: body, as: UTF8.self));`", offset: at)
        }
        out.append(byte)
        return semicolon + 1
    }

    /// Appends the UTF-8 form of `scalar`.
    static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        switch v {
        case 0..<0x80:
            out.append(UInt8(truncatingIfNeeded: v))
        case 0x80..<0x800:
            out.append(0xC0 | UInt8(truncatingIfNeeded: v >> 6))
            out.append(0x80 | UInt8(truncatingIfNeeded: v & 0x3F))
        case 0x800..<0x10000:
            out.append(0xE0 | UInt8(truncatingIfNeeded: v >> 12))
            out.append(0x80 | UInt8(truncatingIfNeeded: (v >> 6) & 0x3F))
            out.append(0x80 | UInt8(truncatingIfNeeded: v & 0x3F))
        default:
            out.append(0xF0 | UInt8(truncatingIfNeeded: v >> 18))
            out.append(0x80 | UInt8(truncatingIfNeeded: (v >> 12) & 0x3F))
            out.append(0x80 | UInt8(truncatingIfNeeded: (v >> 6) & 0x3F))
            out.append(0x80 | UInt8(truncatingIfNeeded: v & 0x3F))
        }
    }
}

extension XMLPullTokenizer {
    /// Appends the decoded current text to `out`.
    func decodeText(into out: inout [UInt8]) throws {
        let raw = bytes(text)
        guard textNeedsDecoding else {
            out.append(contentsOf: raw)
            return
        }
        do {
            try XMLTextDecoding.decode(raw, cdata: textIsCDATA, into: &out)
        } catch {
            throw FormatError("\(context): \(error.message) (at byte \(tokenOffset + error.offset))")
        }
    }

    /// The decoded value of `attribute`.
    func decodeValue(_ attribute: XMLAttribute, into out: inout [UInt8]) throws {
        let raw = bytes(attribute.value)
        guard attribute.needsDecoding else {
            out.append(contentsOf: raw)
            return
        }
        do {
            try XMLTextDecoding.decode(raw, attribute: true, into: &out)
        } catch {
            throw FormatError("\(context): \(error.message) in an attribute value (in the tag at byte \(tokenOffset))")
        }
    }

    /// The decoded value of `attribute` as a String.
    func string(_ attribute: XMLAttribute) throws -> String {
        var out: [UInt8] = []
        try decodeValue(attribute, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

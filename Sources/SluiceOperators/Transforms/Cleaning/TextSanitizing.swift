import SluiceCore

/// The byte-level work of a ``SanitizeText``: tags and entities are ASCII, and so are the
/// delimiters of everything it removes, so it never decodes the text around them.
struct TextSanitizing: Sendable {
    let html: Bool
    let control: Bool

    /// Appends the cleaned `input` to `output`.
    func apply(_ input: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) {
        let count = input.count
        var i = 0
        while i < count {
            let byte = input[i]
            if html, byte == UInt8(ascii: "<"), let end = tagEnd(input, from: i) {
                i = end
                continue
            }
            if html, byte == UInt8(ascii: "&"), let (scalar, end) = entity(input, from: i) {
                if !(control && Self.isControl(scalar.value)) { output.append(contentsOf: String(scalar).utf8) }
                i = end
                continue
            }
            if control {
                if (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F {
                    i += 1
                    continue
                }
                // U+0080–U+009F are C2 80 … C2 9F in UTF-8.
                if byte == 0xC2, i + 1 < count, input[i + 1] >= 0x80, input[i + 1] <= 0x9F {
                    i += 2
                    continue
                }
            }
            output.append(byte)
            i += 1
        }
    }

    /// Whether a scalar value is a removed control character.
    static func isControl(_ value: UInt32) -> Bool {
        (value < 0x20 && value != 0x09 && value != 0x0A) || (value >= 0x7F && value <= 0x9F)
    }

    /// The index just past the tag starting at `start` (a `<` followed by a letter, `/`, `!`
    /// or `?`, up to the next `>`; a comment up to `-->`), or `nil` when it is not a tag.
    func tagEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start + 1 < input.count else { return nil }
        let next = input[start + 1]
        let isLetter = (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7A
        guard isLetter || next == UInt8(ascii: "/") || next == UInt8(ascii: "!") || next == UInt8(ascii: "?") else { return nil }
        if Self.matches(input, at: start, "<!--") {
            var j = start + 4
            while j + 3 <= input.count {
                if Self.matches(input, at: j, "-->") { return j + 3 }
                j += 1
            }
            return nil
        }
        var j = start + 2
        while j < input.count {
            if input[j] == UInt8(ascii: ">") { return j + 1 }
            j += 1
        }
        return nil
    }

    /// The character of the entity starting at `start` and the index past its `;`, or `nil`
    /// when it is not one this step decodes.
    func entity(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> (Unicode.Scalar, Int)? {
        var end = start + 1
        while end < input.count, end - start <= 10, input[end] != UInt8(ascii: ";") { end += 1 }
        guard end < input.count, input[end] == UInt8(ascii: ";"), end > start + 1 else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: input[(start + 1)..<end]), as: UTF8.self)
        let scalar: Unicode.Scalar?
        switch name {
        case "amp": scalar = "&"
        case "lt": scalar = "<"
        case "gt": scalar = ">"
        case "quot": scalar = "\""
        case "apos": scalar = "'"
        default:
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                scalar = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init)
            } else {
                scalar = nil
            }
        }
        guard let scalar, scalar.value != 0 else { return nil }
        return (scalar, end + 1)
    }

    private static func matches(_ input: UnsafeBufferPointer<UInt8>, at index: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index + length <= input.count else { return false }
        let pointer = literal.utf8Start
        for k in 0..<length where input[index + k] != pointer[k] { return false }
        return true
    }
}

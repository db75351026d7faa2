import SluiceCore

/// A number read from text: an integer when the text spells one that fits in `Int`.
enum ParsedNumber: Sendable, Equatable {
    case int(Int)
    case double(Double)

    /// The number as a double.
    @inline(__always) var double: Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }

    /// The number as a cell value.
    var value: Value {
        switch self {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        }
    }
}

/// Byte-level number parsing and printing shared by validation, filters and aggregates.
///
/// Accepts exactly what ``Value/parseNumber(_:)`` accepts (so every operator agrees on what a
/// "numeric string" is) but reads the bytes of a text column without making a `String` for
/// the common integer case.
enum NumberText {
    /// Parses `bytes` as a decimal number (surrounding spaces allowed); `nil` if it is not one.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ParsedNumber? {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        if let i = parseInteger(bytes, start, end) { return .int(i) }
        for i in start..<end where !isNumberByte(bytes[i]) { return nil }
        // Short numbers fit Swift's small-string storage, so this does not allocate.
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let d = Double(text) else { return nil }
        return .double(d)
    }

    /// Parses a string as a decimal number (see ``parse(_:)-bytes``).
    static func parse(_ text: String) -> ParsedNumber? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// An optionally signed run of digits that fits in `Int`.
    @inline(__always)
    private static func parseInteger(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end, end - i <= 18 else { return nil }
        var result = 0
        while i < end {
            let d = bytes[i] &- 48
            guard d < 10 else { return nil }
            result = result &* 10 &+ Int(d)
            i += 1
        }
        return negative ? -result : result
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    @inline(__always) private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }

    /// The text of a double as JavaScript's `String(n)` writes common values: integral values
    /// without a fraction (`42`, not `42.0`).
    static func text(_ value: Double) -> String {
        if value.isFinite, value.rounded() == value, value.magnitude < 1e15 { return String(Int(value)) }
        return value.description
    }
}

extension Value {
    /// The value as plain text for messages and string coercion: strings as they are,
    /// numbers as JavaScript prints them, timestamps in ISO 8601, the rest as JSON.
    var plainText: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return NumberText.text(d)
        case .bool(let b): return b ? "true" : "false"
        case .timestamp(let t): return t.iso8601
        case .null, .array, .object: return description
        }
    }

    /// The value as it is quoted in a message: strings in single quotes, the rest plain.
    var quotedText: String {
        if case .string(let s) = self { return "'\(s)'" }
        return plainText
    }

    /// The number this value stands for, keeping integers exact: ints, doubles and numeric strings.
    var parsedNumber: ParsedNumber? {
        switch self {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return NumberText.parse(s)
        default: return nil
        }
    }
}

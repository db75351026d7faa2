import SluiceCore
import SluiceFormats

/// The XML of written cells. Every cell is written as the part of `<c r="A1" …>…</c>` after
/// its reference (`"><v>42</v></c>`), so the row writer puts the reference in front.
///
/// Numbers are `<v>` numbers; booleans `t="b"`; text an inline string (`t="inlineStr"`:
/// streamed with its row, no table held until the end), escaped for XML, with characters XML
/// cannot carry (control characters, a carriage return) as Excel's `_xHHHH_` escapes and a
/// literal `_xHHHH_` protected as `_x005F_xHHHH_`; timestamps the serial number with the
/// date (style 1) or date-time (style 2) format, or ISO 8601 text outside 1900-01-01 …
/// 9999-12-31 (which Excel cannot show as dates); NaN and infinities the text `NaN`,
/// `Infinity`, `-Infinity`; arrays and objects their JSON text. Null cells are not written.
enum XLSXCellXML {
    /// Style numbers of `xl/styles.xml` (see ``XLSXPackageParts``).
    static let dateStyle = 1
    static let dateTimeStyle = 2
    static let headerStyle = 3

    /// Why a value cannot be written (the caller names the field and record).
    struct Failure: Error {
        var message: String
    }

    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        append("\"><v>", to: &out)
        JSONText.appendInt(value, to: &out)
        append("</v></c>", to: &out)
    }

    static func appendDouble(_ value: Double, to out: inout [UInt8]) throws {
        guard value.isFinite else {
            let text = value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity"
            try appendString(text, to: &out)
            return
        }
        append("\"><v>", to: &out)
        appendNumber(value, to: &out)
        append("</v></c>", to: &out)
    }

    /// The shortest text that reads back as `value`, with Excel's capital `E` for exponents.
    static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        for b in value.description.utf8 { out.append(b == UInt8(ascii: "e") ? UInt8(ascii: "E") : b) }
    }

    static func appendBool(_ value: Bool, to out: inout [UInt8]) {
        append(value ? "\" t=\"b\"><v>1</v></c>" : "\" t=\"b\"><v>0</v></c>", to: &out)
    }

    /// A timestamp with `dateOnly` choosing the date format (`nil`: the date format when the
    /// time is midnight).
    static func appendTimestamp(_ value: Timestamp, dateOnly: Bool?, to out: inout [UInt8]) throws {
        guard let serial = XLSXSerialDate.serial(value) else {
            try appendString(value.iso8601, to: &out)
            return
        }
        let isDate = dateOnly ?? (value.microseconds % 86_400_000_000 == 0)
        append(isDate ? "\" s=\"1\"><v>" : "\" s=\"2\"><v>", to: &out)
        if serial.rounded(.towardZero) == serial {
            JSONText.appendInt(Int(serial), to: &out)
        } else {
            appendNumber(serial, to: &out)
        }
        append("</v></c>", to: &out)
    }

    static func appendString(_ value: String, style: Int? = nil, to out: inout [UInt8]) throws {
        var value = value
        try value.withUTF8 { try appendText(UnsafeRawBufferPointer($0), style: style, to: &out) }
    }

    /// Any value (the `[Value]` storage path).
    static func appendValue(_ value: Value, dateOnly: Bool?, to out: inout [UInt8]) throws {
        switch value {
        case .null: return
        case .bool(let b): appendBool(b, to: &out)
        case .int(let i): appendInt(i, to: &out)
        case .double(let d): try appendDouble(d, to: &out)
        case .string(let s): try appendString(s, to: &out)
        case .timestamp(let t): try appendTimestamp(t, dateOnly: dateOnly, to: &out)
        case .array, .object: try appendString(JSONText.string(value), to: &out)
        }
    }

    /// An inline string cell of UTF-8 `text`.
    static func appendText(_ text: UnsafeRawBufferPointer, style: Int? = nil, to out: inout [UInt8]) throws {
        if text.count > XLSXLimits.maximumCellCharacters {
            var units = 0
            for b in text where b & 0xC0 != 0x80 { units += b >= 0xF0 ? 2 : 1 }
            guard units <= XLSXLimits.maximumCellCharacters else {
                throw Failure(message: "text of \(units) characters, more than Excel's limit of \(XLSXLimits.maximumCellCharacters) per cell")
            }
        }
        if let bad = UTF8Check.firstInvalid(text) { throw Failure(message: "text that is not valid UTF-8 (byte \(bad))") }
        if let style {
            append("\" t=\"inlineStr\" s=\"", to: &out)
            JSONText.appendInt(style, to: &out)
            append("\"><is><t", to: &out)
        } else {
            append("\" t=\"inlineStr\"><is><t", to: &out)
        }
        if let first = text.first, let last = text.last, isSpace(first) || isSpace(last) {
            append(" xml:space=\"preserve\"", to: &out)
        }
        out.append(UInt8(ascii: ">"))
        appendEscaped(text, to: &out)
        append("</t></is></c>", to: &out)
    }

    /// `text` escaped for XML character data.
    static func appendEscaped(_ text: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let n = text.count
        var runStart = 0
        var i = 0
        while i < n {
            let b = text[i]
            let special = b < 0x20 || b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "_")
            guard special else {
                i += 1
                continue
            }
            if b == UInt8(ascii: "_"), !looksLikeEscape(text, at: i) {
                i += 1
                continue
            }
            if (b == 0x09 || b == 0x0A) {
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[runStart..<i]))
            switch b {
            case UInt8(ascii: "&"): append("&amp;", to: &out)
            case UInt8(ascii: "<"): append("&lt;", to: &out)
            case UInt8(ascii: ">"): append("&gt;", to: &out)
            case UInt8(ascii: "_"): append("_x005F_", to: &out)
            default:
                append("_x00", to: &out)
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 0xF))
                out.append(UInt8(ascii: "_"))
            }
            i += 1
            runStart = i
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[runStart..<n]))
    }

    /// Whether `_` at `i` starts `_xHHHH_`.
    private static func looksLikeEscape(_ text: UnsafeRawBufferPointer, at i: Int) -> Bool {
        guard i + 7 <= text.count, text[i + 1] == UInt8(ascii: "x"), text[i + 6] == UInt8(ascii: "_") else { return false }
        for k in 2..<6 {
            let c = text[i + k]
            let hex = (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66)
            if !hex { return false }
        }
        return true
    }

    @inline(__always)
    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x41 + v - 10 }

    @inline(__always)
    static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}

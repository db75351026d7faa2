import SluiceCore

/// The text conversions of ``CastType``, on bytes so text columns convert without a
/// `String` per cell.
enum CastText {
    /// Text as a number (see ``CastType``), `nil` when it is not one or is not finite.
    static func number(_ bytes: UnsafeRawBufferPointer) -> ParsedNumber? {
        switch NumberText.parse(bytes) {
        case .int(let i): return .int(i)
        case .double(let d): return d.isFinite ? .double(d) : nil
        case nil: return nil
        }
    }

    /// A string as a number value.
    static func number(_ text: String) -> Value? {
        var text = text
        return text.withUTF8 { number(UnsafeRawBufferPointer($0)) }?.value
    }

    /// Text as a 64-bit integer: exact when it spells one, else its number rounded half away
    /// from zero; `nil` when it is not a number or is out of range.
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int? {
        switch NumberText.parse(bytes) {
        case .int(let i): return i
        case .double(let d):
            // 19-digit integers are past the fast parser but may still fit exactly.
            if let exact = Int(String(decoding: bytes, as: UTF8.self).trimmingASCIISpace()) { return exact }
            return roundedInteger(d, rule: .toNearestOrAwayFromZero)
        case nil: return nil
        }
    }

    /// A string as an integer (see ``integer(_:)-bytes``).
    static func integer(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { integer(UnsafeRawBufferPointer($0)) }
    }

    /// `value` rounded by `rule`, `nil` when it is not finite or outside `Int`'s range.
    @inline(__always)
    static func roundedInteger(_ value: Double, rule: FloatingPointRoundingRule) -> Int? {
        let rounded = value.rounded(rule)
        // -2^63 is representable; 2^63 is the first double past Int.max.
        guard rounded >= -9_223_372_036_854_775_808.0, rounded < 9_223_372_036_854_775_808.0 else { return nil }
        return Int(rounded)
    }

    /// DuckDB's boolean spellings, in any case and without surrounding spaces.
    static func boolean(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        guard bytes.count <= 5 else { return nil }
        var word: UInt64 = 0
        for byte in bytes {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            word = word << 8 | UInt64(lower)
        }
        switch word {
        case 0x74_72_75_65, 0x74, 0x79_65_73, 0x79, 0x31: return true  // true t yes y 1
        case 0x66_61_6C_73_65, 0x66, 0x6E_6F, 0x6E, 0x30: return false  // false f no n 0
        default: return nil
        }
    }
}

extension String {
    /// The string without surrounding spaces, tabs and line breaks.
    fileprivate func trimmingASCIISpace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}

/// Ordering of values for filters, min/max and sorting.
extension Value {
    /// Compares two values of comparable kinds: numbers with numbers, strings with strings
    /// (by Unicode scalar order), timestamps with timestamps or ISO strings, booleans with
    /// booleans. A numeric string compares as a number against a number. `nil` when the kinds
    /// do not compare (e.g. an object against a number, or anything against null).
    public func compare(to other: Value) -> Int? {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)):
            if a == b { return 0 }
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : 1
        case (.timestamp(let a), .timestamp(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.timestamp(let a), .string(let s)):
            guard let b = Timestamp(iso8601: s) else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        case (.string, .timestamp):
            return other.compare(to: self).map { -$0 }
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        default:
            guard let a = numericValue, let b = other.numericValue else { return nil }
            if a.isNaN || b.isNaN { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        }
    }

    /// The number this value stands for: ints and doubles, and strings that spell a number.
    public var numericValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Value.parseNumber(s)
        default: return nil
        }
    }

    /// Parses a decimal number as JSON or a CSV cell spells it (surrounding spaces allowed);
    /// `nil` for anything else, including `inf`, `nan` and hex.
    public static func parseNumber(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ b in
            (b >= 48 && b <= 57) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        }) else { return nil }
        return Double(trimmed)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    public var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}

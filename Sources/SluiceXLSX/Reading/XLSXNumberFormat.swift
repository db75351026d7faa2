/// How a cell's number format makes Sluice read its number: as a plain number, a date (or
/// date-time, or time of day), or an elapsed time (`[h]:mm:ss`).
enum XLSXNumberFormat: Sendable, Equatable {
    case number
    case date
    case elapsed

    /// The kind of built-in format `id` (ECMA-376 Part 1, 18.8.30): 14–22 and 45–47 are dates
    /// and times, 27–36 and 50–58 the East Asian date formats; 46 (`[h]:mm:ss`) is elapsed time.
    static func builtin(_ id: Int) -> XLSXNumberFormat {
        switch id {
        case 46: return .elapsed
        case 14...22, 27...36, 45...47, 50...58: return .date
        default: return .number
        }
    }

    /// The kind of a custom format code, decided as openpyxl does: only the first section (up
    /// to `;`) counts; quoted literals and bracketed parts other than `[h]`, `[hh]`, `[m]`,
    /// `[mm]`, `[s]`, `[ss]` (colours, locales, conditions) are ignored; a date or time token
    /// (`d m h y s`, either case) not escaped by `\` or `_` makes it a date; an elapsed-time
    /// bracket (`[h]`, `[mm]`…, either case) makes a date format elapsed time.
    static func custom(_ code: String) -> XLSXNumberFormat {
        let first = Array(code.utf8.prefix { $0 != UInt8(ascii: ";") })
        var stripped: [UInt8] = []
        stripped.reserveCapacity(first.count)
        var i = 0
        while i < first.count {
            let c = first[i]
            if c == UInt8(ascii: "\""), let close = first[(i + 1)...].firstIndex(of: UInt8(ascii: "\"")) {
                i = close + 1
                continue
            }
            if c == UInt8(ascii: "["), !isElapsedBracket(first, at: i, caseSensitive: true),
                let close = first[(i + 1)...].firstIndex(of: UInt8(ascii: "]"))
            {
                i = close + 1
                continue
            }
            stripped.append(c)
            i += 1
        }
        var isDate = false
        for (j, c) in stripped.enumerated() where "dmhysDMHYS".utf8.contains(c) {
            if j > 0, stripped[j - 1] == UInt8(ascii: "_") || stripped[j - 1] == UInt8(ascii: "\\") { continue }
            isDate = true
            break
        }
        guard isDate else { return .number }
        for j in first.indices where first[j] == UInt8(ascii: "[") && isElapsedBracket(first, at: j, caseSensitive: false) {
            return .elapsed
        }
        return .date
    }

    /// Whether `[` at `i` opens `[h]`, `[hh]`, `[m]`, `[mm]`, `[s]` or `[ss]`.
    private static func isElapsedBracket(_ code: [UInt8], at i: Int, caseSensitive: Bool) -> Bool {
        let rest = code[(i + 1)...]
        guard let letter = rest.first else { return false }
        let lower = caseSensitive ? letter : letter | 0x20
        guard lower == UInt8(ascii: "h") || lower == UInt8(ascii: "m") || lower == UInt8(ascii: "s") else { return false }
        var j = i + 1
        while j < code.count, code[j] == letter || (!caseSensitive && code[j] | 0x20 == lower) { j += 1 }
        let run = j - (i + 1)
        return (run == 1 || run == 2) && j < code.count && code[j] == UInt8(ascii: "]")
    }
}

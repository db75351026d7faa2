import SluiceCore

/// One of the five fields of a cron expression: its bounds, its names, and its parser.
///
/// A parsed field is a bit set (bit `n` set when value `n` matches), so matching and
/// "next allowed value" are a shift and a trailing-zero count instead of list scans.
enum CronField: Int, CaseIterable, Sendable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    /// The field's name as error messages spell it.
    var name: String {
        switch self {
        case .minute: return "minute"
        case .hour: return "hour"
        case .dayOfMonth: return "day-of-month"
        case .month: return "month"
        case .dayOfWeek: return "day-of-week"
        }
    }

    /// The values a user may write (day-of-week accepts 7 as a second spelling of Sunday).
    var writable: ClosedRange<Int> {
        switch self {
        case .minute: return 0...59
        case .hour: return 0...23
        case .dayOfMonth: return 1...31
        case .month: return 1...12
        case .dayOfWeek: return 0...7
        }
    }

    /// The values `*` stands for; also the upper end of an open `a/n` step. Day-of-week
    /// stops at 6 so that `*/2` means 0,2,4,6 and not also 7 (which is Sunday again).
    var all: ClosedRange<Int> {
        self == .dayOfWeek ? 0...6 : writable
    }

    /// Three-letter names and the values they stand for, if the field has names.
    private var names: (list: [String], firstValue: Int)? {
        switch self {
        case .month: return (["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)
        case .dayOfWeek: return (["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 0)
        default: return nil
        }
    }

    /// Parses `text` (one whitespace-free field) into a bit set of matching values.
    func parse(_ text: Substring) throws(SpecError) -> UInt64 {
        let field = String(text)
        var bits: UInt64 = 0
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else { throw error(field, "empty element in list") }
            bits |= try parseElement(element, field: field)
        }
        return bits
    }

    /// Parses one list element: `*`, `a`, `a-b`, each optionally followed by `/step`.
    private func parseElement(_ element: Substring, field: String) throws(SpecError) -> UInt64 {
        let slashParts = element.split(separator: "/", omittingEmptySubsequences: false)
        guard slashParts.count <= 2 else { throw error(field, "more than one '/' in '\(element)'") }
        let base = slashParts[0]
        var step = 1
        if slashParts.count == 2 {
            let stepText = slashParts[1]
            guard stepText.allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int(stepText), parsed > 0 else {
                throw error(field, "step must be a positive integer, got '\(stepText)'")
            }
            step = parsed
        }
        let low: Int
        let high: Int
        if base == "*" {
            low = all.lowerBound
            high = all.upperBound
        } else if let dash = base.firstIndex(of: "-") {
            let startText = base[base.startIndex..<dash]
            let endText = base[base.index(after: dash)...]
            guard !startText.isEmpty, !endText.isEmpty, !endText.contains("-") else {
                throw error(field, "'\(base)' is not a range; expected start-end")
            }
            low = try value(startText, field: field)
            high = try value(endText, field: field)
            guard low <= high else {
                throw error(field, "range '\(base)' starts after it ends; write the smaller value first")
            }
        } else {
            low = try value(base, field: field)
            // `a/n` runs from a to the end of the field, as in `a-max/n`.
            high = slashParts.count == 2 ? max(low, all.upperBound) : low
        }
        var bits: UInt64 = 0
        for v in stride(from: low, through: high, by: step) {
            // Day-of-week 7 is Sunday, stored as 0 so matching needs one bit per day.
            bits |= 1 << UInt64(self == .dayOfWeek && v == 7 ? 0 : v)
        }
        return bits
    }

    /// A single value: digits or, for month and day-of-week, a three-letter name.
    private func value(_ text: Substring, field: String) throws(SpecError) -> Int {
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let number = Int(text), writable.contains(number) else {
                let which = text == field[...] ? "value" : "value '\(text)'"
                throw error(field, "\(which) out of range \(writable.lowerBound)-\(writable.upperBound)")
            }
            return number
        }
        if let names {
            if let index = names.list.firstIndex(of: text.uppercased()) { return names.firstValue + index }
            let first = names.list[0]
            let last = names.list[names.list.count - 1]
            throw error(
                field,
                "unknown name '\(text)'; expected \(first)-\(last) or \(writable.lowerBound)-\(writable.upperBound)")
        }
        throw error(field, "'\(text)' is not a number; expected \(writable.lowerBound)-\(writable.upperBound)")
    }

    /// An error naming this field and its text, with an empty path for the caller to prefix.
    func error(_ field: String, _ problem: String) -> SpecError {
        SpecError("\(name) field '\(field)': \(problem)")
    }
}

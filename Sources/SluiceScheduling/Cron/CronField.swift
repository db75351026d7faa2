/// One field of a cron expression: its bounds, its names, and its parser.
///
/// A parsed field is a bit set (bit `n` set when value `n` matches), so matching and
/// "next allowed value" are a shift and a trailing-zero count instead of list scans.
enum CronField: Int, CaseIterable, Sendable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    /// The field's name as error messages spell it.
    var name: String {
        switch self {
        case .second: return "second"
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
        case .second, .minute: return 0...59
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

    /// The bit set of every value in ``all``.
    var allBits: UInt64 {
        (UInt64(1) << UInt64(all.upperBound + 1)) - (UInt64(1) << UInt64(all.lowerBound))
    }

    /// Three-letter names, if the field has names, and the value of the first.
    var names: (list: [String], firstValue: Int)? {
        switch self {
        case .month: return (["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)
        case .dayOfWeek: return (["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 0)
        default: return nil
        }
    }

    /// Parses `field` (one whitespace-free field, a slice of `text`) into a bit set.
    func parse(_ field: Substring, in text: String) throws(CronSyntaxError) -> UInt64 {
        try rejectUnsupported(field, in: text)
        var bits: UInt64 = 0
        for element in field.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else {
                throw error(field, "empty element in list", at: element.startIndex, in: text)
            }
            bits |= try parseElement(element, field: field, in: text)
        }
        return bits
    }

    /// Quartz and Jenkins syntax that Sluice does not implement, refused by name rather
    /// than as "not a number" so the user knows it was understood and why it is refused.
    private func rejectUnsupported(_ field: Substring, in text: String) throws(CronSyntaxError) {
        for index in field.indices {
            let character = field[index]
            let problem: String?
            switch character {
            case "#": problem = "'#' (nth weekday of the month) is not supported"
            case "?": problem = "'?' is not supported; write '*'"
            case "L" where self == .dayOfMonth || self == .dayOfWeek, "l" where self == .dayOfMonth || self == .dayOfWeek:
                // No weekday name contains an L, so here it can only be `L` or `5L`.
                problem = "'L' (last day) is not supported"
            case "W" where self == .dayOfMonth, "w" where self == .dayOfMonth:
                problem = "'W' (nearest weekday) is not supported"
            case "H" where isHash(at: index, in: field), "h" where isHash(at: index, in: field):
                problem = "'H' (hashed value) is not supported"
            default: problem = nil
            }
            if let problem { throw error(field, problem, at: index, in: text) }
        }
    }

    /// Whether the `H` at `index` is Jenkins' hash (`H`, `H(0-29)`), not part of `THU`.
    private func isHash(at index: Substring.Index, in field: Substring) -> Bool {
        field.count == 1 || field[field.index(after: index)...].hasPrefix("(")
    }

    /// Parses one list element: `*`, `a`, `a-b`, each optionally followed by `/step`.
    private func parseElement(_ element: Substring, field: Substring, in text: String) throws(CronSyntaxError) -> UInt64 {
        let slashParts = element.split(separator: "/", omittingEmptySubsequences: false)
        guard slashParts.count <= 2 else {
            throw error(field, "more than one '/' in '\(element)'", at: slashParts[2].startIndex, in: text)
        }
        let base = slashParts[0]
        var step = 1
        if slashParts.count == 2 {
            let stepText = slashParts[1]
            guard stepText.allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int(stepText), parsed > 0 else {
                throw error(field, "step must be a positive integer, got '\(stepText)'", at: stepText.startIndex, in: text)
            }
            step = parsed
        }
        guard !base.isEmpty else {
            throw error(field, "missing value before '/'", at: base.startIndex, in: text)
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
                throw error(field, "'\(base)' is not a range; expected start-end", at: base.startIndex, in: text)
            }
            low = try value(startText, field: field, in: text)
            high = try value(endText, field: field, in: text)
            guard low < high else {
                let problem = low == high
                    ? "range '\(base)' is a single value; write '\(startText)'"
                    : "range '\(base)' starts after it ends; write the smaller value first"
                throw error(field, problem, at: base.startIndex, in: text)
            }
        } else {
            low = try value(base, field: field, in: text)
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
    private func value(_ token: Substring, field: Substring, in text: String) throws(CronSyntaxError) -> Int {
        if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let number = Int(token), writable.contains(number) else {
                let which = token == field ? "value" : "value '\(token)'"
                throw error(
                    field, "\(which) out of range \(writable.lowerBound)-\(writable.upperBound)",
                    at: token.startIndex, in: text)
            }
            return number
        }
        if let names {
            if let index = names.list.firstIndex(of: token.uppercased()) { return names.firstValue + index }
            let first = names.list[0]
            let last = names.list[names.list.count - 1]
            throw error(
                field, "unknown name '\(token)'; expected \(first)-\(last) or \(writable.lowerBound)-\(writable.upperBound)",
                at: token.startIndex, in: text)
        }
        throw error(
            field, "'\(token)' is not a number; expected \(writable.lowerBound)-\(writable.upperBound)",
            at: token.startIndex, in: text)
    }

    /// An error naming this field and its text, at `index` of `text`.
    func error(_ field: Substring, _ problem: String, at index: String.Index, in text: String) -> CronSyntaxError {
        CronSyntaxError("\(name) field '\(field)': \(problem)", at: index, in: text)
    }
}

import SluiceCore

/// A cron expression: five fields (`minute hour day-of-month month day-of-week`), six with
/// a leading `second` field, a preset (`@yearly`, `@annually`, `@monthly`, `@weekly`,
/// `@daily`, `@midnight`, `@hourly`), or `@every <duration>` (see ``Interval``).
///
/// Each field accepts `*`, values, lists `a,b`, ranges `a-b`, and steps `*/n`, `a-b/n` and
/// `a/n` (from `a` to the end of the field). Months may be written `JAN`–`DEC` and weekdays
/// `SUN`–`SAT`, in any case; day-of-week 0 and 7 are both Sunday. `L`, `W`, `#`, `?` and
/// `H` are refused by name; so are ranges that wrap (`FRI-MON`) or hold one value (`5-5`).
///
/// Day matching follows POSIX: when both day-of-month and day-of-week are restricted, a
/// day matches if *either* does; when one is unrestricted, only the other counts. A field
/// is unrestricted when it is exactly `*`, or when it covers every value and the other day
/// field contains a `*` (so `1-31` with `*/2` means every other weekday); this is
/// croniter's rule, so the two agree on every expression.
///
/// Fire times are computed by ``next(after:in:)`` or, with a zone kept alongside, by
/// ``CronSchedule``.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    /// The interval of an `@every` expression, `nil` for field expressions.
    public let every: Interval?
    /// Whether the expression was written with a leading seconds field.
    public let hasSecondsField: Bool
    let seconds: UInt64
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    /// Bits 0–6, Sunday = 0.
    let daysOfWeek: UInt64
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// The field texts, in order (six when seconds were written), for ``explanation``.
    let fieldTexts: [String]

    /// The presets and the five-field expressions they stand for.
    public static let presets: [(name: String, expression: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
    ]

    /// Parses `text`. The error has an empty path (the caller prefixes where the text came
    /// from, e.g. `cron`) and a reason that is ``CronSyntaxError/description``: the
    /// problem, its column, and the text with a caret.
    public init(_ text: String) throws(SpecError) {
        do throws(CronSyntaxError) {
            try self.init(parsing: text)
        } catch {
            throw error.specError
        }
    }

    /// Parses `text`, reporting a problem with its position.
    public init(parsing text: String) throws(CronSyntaxError) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        if let first = tokens.first, first.hasPrefix("@") {
            let name = first.lowercased()
            if name == "@every" {
                guard tokens.count == 2 else {
                    let index = tokens.count > 2 ? tokens[2].startIndex : text.endIndex
                    throw CronSyntaxError("'@every' takes one duration, such as '@every 5m'", at: index, in: text)
                }
                self.init(text: text, every: try Interval(parsing: tokens[1], in: text))
                return
            }
            guard let preset = CronExpression.presets.first(where: { $0.name == name }) else {
                let names = (CronExpression.presets.map(\.name) + ["@every <duration>"]).joined(separator: ", ")
                throw CronSyntaxError("unknown preset '\(first)'; expected one of \(names)", at: first.startIndex, in: text)
            }
            guard tokens.count == 1 else {
                throw CronSyntaxError("nothing may follow the preset '\(first)'", at: tokens[1].startIndex, in: text)
            }
            try self.init(text: text, fieldsOf: preset.expression)
            return
        }
        try self.init(text: text, fieldsOf: text)
    }

    /// An `@every` expression that fires every `interval` from the Unix epoch.
    public init(every interval: Interval) {
        self.init(text: "@every \(interval)", every: interval)
    }

    private init(text: String, every: Interval) {
        self.text = text
        self.every = every
        hasSecondsField = false
        (seconds, minutes, hours, daysOfMonth, months, daysOfWeek) = (0, 0, 0, 0, 0, 0)
        dayOfMonthRestricted = false
        dayOfWeekRestricted = false
        fieldTexts = []
    }

    /// Parses the fields of `source`, which is `text` itself or the expansion of a preset
    /// (whose fields are valid, so positions into `source` never reach the user).
    private init(text: String, fieldsOf source: String) throws(CronSyntaxError) {
        let fields = source.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard fields.count == 5 || fields.count == 6 else {
            let index = fields.count > 6 ? fields[6].startIndex : source.endIndex
            throw CronSyntaxError(
                "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got \(fields.count)",
                at: index, in: source)
        }
        let days = fields.suffix(5)
        let offset = fields.count - 5
        self.text = text
        every = nil
        hasSecondsField = fields.count == 6
        seconds = hasSecondsField ? try CronField.second.parse(fields[0], in: source) : 1
        minutes = try CronField.minute.parse(days[offset], in: source)
        hours = try CronField.hour.parse(days[offset + 1], in: source)
        daysOfMonth = try CronField.dayOfMonth.parse(days[offset + 2], in: source)
        months = try CronField.month.parse(days[offset + 3], in: source)
        daysOfWeek = try CronField.dayOfWeek.parse(days[offset + 4], in: source)
        let domText = days[offset + 2]
        let dowText = days[offset + 4]
        dayOfMonthRestricted = !(domText == "*" || (daysOfMonth == CronField.dayOfMonth.allBits && dowText.contains("*")))
        dayOfWeekRestricted = !(dowText == "*" || (daysOfWeek == CronField.dayOfWeek.allBits && domText.contains("*")))
        fieldTexts = fields.map(String.init)
        if dayOfMonthRestricted, !dayOfWeekRestricted {
            // Reject schedules that can never fire (`0 0 30 2 *`) instead of accepting them silently.
            let possible = (1...12).contains { month in
                months & (1 << UInt64(month)) != 0
                    && CronExpression.nextBit(daysOfMonth, from: 1).map { $0 <= CivilDate.daysIn(year: 2000, month: month) } == true
            }
            guard possible else {
                throw CronField.dayOfMonth.error(
                    domText, "no such day in the months of month field '\(days[offset + 3])', so it never fires",
                    at: domText.startIndex, in: source)
            }
        }
    }

    /// The expression as written.
    public var description: String { text }

    /// Whether every hour matches: such a schedule skips times in a daylight-saving gap
    /// instead of firing after it (see ``next(after:in:)``).
    var isHourly: Bool { hours == CronField.hour.allBits }

    /// Two expressions are equal when they match the same times with the same day
    /// semantics, however they are spelled (`@daily` equals `0 0 * * *` and `0 0 0 * * *`).
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.every == rhs.every && lhs.seconds == rhs.seconds && lhs.minutes == rhs.minutes && lhs.hours == rhs.hours
            && lhs.daysOfMonth == rhs.daysOfMonth && lhs.months == rhs.months && lhs.daysOfWeek == rhs.daysOfWeek
            && lhs.dayOfMonthRestricted == rhs.dayOfMonthRestricted && lhs.dayOfWeekRestricted == rhs.dayOfWeekRestricted
    }

    /// The next `count` fire times after `date`, each strictly after the one before.
    public func next(_ count: Int, after date: Timestamp, in timeZone: CronTimeZone = .utc) -> [Timestamp] {
        var times: [Timestamp] = []
        times.reserveCapacity(max(0, min(count, 1000)))
        var current = date
        while times.count < count, let time = next(after: current, in: timeZone) {
            times.append(time)
            current = time
        }
        return times
    }

    /// Whether `date` is a matching day, under the POSIX either-or rule.
    func matchesDay(_ date: CivilDate) -> Bool {
        let domMatches = daysOfMonth & (1 << UInt64(date.day)) != 0
        let dowMatches = daysOfWeek & (1 << UInt64(date.weekday)) != 0
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatches || dowMatches }
        return (domMatches || !dayOfMonthRestricted) && (dowMatches || !dayOfWeekRestricted)
    }

    /// The smallest set bit at or above `from`, if any.
    static func nextBit(_ bits: UInt64, from: Int) -> Int? {
        guard from < 64 else { return nil }
        let shifted = bits >> UInt64(from)
        return shifted == 0 ? nil : from + shifted.trailingZeroBitCount
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}

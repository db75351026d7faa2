import SluiceCore

/// A standard five-field cron expression (`minute hour day-of-month month day-of-week`),
/// or one of the presets `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
/// `@midnight`, `@hourly`.
///
/// Each field accepts `*`, values, lists `a,b`, ranges `a-b`, and steps `*/n`, `a-b/n` and
/// `a/n` (from `a` to the end of the field). Months may be written `JAN`–`DEC` and weekdays
/// `SUN`–`SAT`, in any case; day-of-week 0 and 7 are both Sunday.
///
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted,
/// a day matches if *either* does; when one of them is `*`, only the other counts. A field
/// is unrestricted only when it is exactly `*`, so `*/2` restricts, as in `croniter` and
/// robfig/cron (Vixie itself treats any field starting with `*` as unrestricted).
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    /// Bits 0–6, Sunday = 0.
    let daysOfWeek: UInt64
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    /// The presets and the five-field expressions they stand for.
    public static let presets: [(name: String, expression: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
    ]

    /// Parses `text`. Errors have an empty path (the caller prefixes where the text came
    /// from, e.g. `cron`) and a reason naming the bad field:
    /// `minute field '61': value out of range 0-59`.
    public init(_ text: String) throws(SpecError) {
        self.text = text
        var expanded = Substring(text)
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if trimmed.count == 1, let first = trimmed.first, first.hasPrefix("@") {
            let name = first.lowercased()
            guard let preset = CronExpression.presets.first(where: { $0.name == name }) else {
                let names = CronExpression.presets.map(\.name).joined(separator: ", ")
                throw SpecError("unknown preset '\(first)'; expected one of \(names)")
            }
            expanded = Substring(preset.expression)
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard fields.count == 5 else {
            throw SpecError(
                "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)"
                    + (fields.count == 6 ? "; seconds are not supported" : ""))
        }
        minutes = try CronField.minute.parse(fields[0])
        hours = try CronField.hour.parse(fields[1])
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3])
        daysOfWeek = try CronField.dayOfWeek.parse(fields[4])
        dayOfMonthRestricted = fields[2] != "*"
        dayOfWeekRestricted = fields[4] != "*"
        if dayOfMonthRestricted, !dayOfWeekRestricted {
            // Reject schedules that can never fire (`0 0 30 2 *`) instead of accepting them silently.
            let possible = (1...12).contains { month in
                months & (1 << UInt64(month)) != 0
                    && CronExpression.nextBit(daysOfMonth, from: 1).map { $0 <= CivilDate.daysIn(year: 2000, month: month) } == true
            }
            guard possible else {
                throw CronField.dayOfMonth.error(
                    String(fields[2]), "no such day in the months of month field '\(fields[3])', so it never fires")
            }
        }
    }

    /// The expression as written.
    public var description: String { text }

    /// Two expressions are equal when their fields match the same values with the same
    /// day semantics, however they are spelled (`@daily` equals `0 0 * * *`).
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.minutes == rhs.minutes && lhs.hours == rhs.hours && lhs.daysOfMonth == rhs.daysOfMonth
            && lhs.months == rhs.months && lhs.daysOfWeek == rhs.daysOfWeek
            && lhs.dayOfMonthRestricted == rhs.dayOfMonthRestricted && lhs.dayOfWeekRestricted == rhs.dayOfWeekRestricted
    }

    /// The first minute strictly after `date` (its seconds truncated) that the expression
    /// matches, or `nil` if there is none within the next nine years (which, since
    /// expressions that can never fire are rejected, only happens near the end of time).
    ///
    /// Months, days and hours that cannot match are skipped whole, so the cost is at most a
    /// few hundred steps whatever the expression.
    public func next(after date: Timestamp, in timeZone: CronTimeZone = .utc) -> Timestamp? {
        let seconds = CronExpression.floorDivide(date.microseconds, 1_000_000)
        let minuteIndex = CronExpression.floorDivide(seconds, 60) + 1
        let dayIndex = CronExpression.floorDivide(minuteIndex, 1440)
        let minuteOfDay = Int(minuteIndex - dayIndex * 1440)
        var date = CivilDate(daysSinceEpoch: Int(dayIndex))
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        // Feb 29 can be eight years away (2096 → 2104); nothing valid is further.
        let lastYear = date.year + 9
        while date.year <= lastYear {
            guard months & (1 << UInt64(date.month)) != 0 else {
                if let month = CronExpression.nextBit(months, from: date.month + 1) {
                    date = CivilDate(year: date.year, month: month, day: 1)
                } else {
                    date = CivilDate(year: date.year + 1, month: CronExpression.nextBit(months, from: 1) ?? 1, day: 1)
                }
                hour = 0
                minute = 0
                continue
            }
            guard matchesDay(date) else {
                CronExpression.advanceDay(&date)
                hour = 0
                minute = 0
                continue
            }
            guard let nextHour = CronExpression.nextBit(hours, from: hour) else {
                CronExpression.advanceDay(&date)
                hour = 0
                minute = 0
                continue
            }
            if nextHour != hour {
                hour = nextHour
                minute = 0
            }
            guard let nextMinute = CronExpression.nextBit(minutes, from: minute) else {
                hour += 1
                minute = 0
                if hour > 23 {
                    CronExpression.advanceDay(&date)
                    hour = 0
                }
                continue
            }
            let totalSeconds = (Int64(date.daysSinceEpoch) * 1440 + Int64(hour * 60 + nextMinute)) * 60
            return Timestamp(microseconds: totalSeconds * 1_000_000)
        }
        return nil
    }

    /// The next `count` fire times after `date`, each strictly after the one before.
    public func next(_ count: Int, after date: Timestamp, in timeZone: CronTimeZone = .utc) -> [Timestamp] {
        var times: [Timestamp] = []
        times.reserveCapacity(max(0, count))
        var current = date
        while times.count < count, let time = next(after: current, in: timeZone) {
            times.append(time)
            current = time
        }
        return times
    }

    /// Whether `date` is a matching day, under the Vixie either-or rule.
    func matchesDay(_ date: CivilDate) -> Bool {
        let domMatches = daysOfMonth & (1 << UInt64(date.day)) != 0
        let dowMatches = daysOfWeek & (1 << UInt64(date.weekday)) != 0
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatches || dowMatches }
        return domMatches && dowMatches
    }

    /// The smallest set bit at or above `from`, if any.
    static func nextBit(_ bits: UInt64, from: Int) -> Int? {
        guard from < 64 else { return nil }
        let shifted = bits >> UInt64(from)
        return shifted == 0 ? nil : from + shifted.trailingZeroBitCount
    }

    static func advanceDay(_ date: inout CivilDate) {
        date.day += 1
        if date.day > CivilDate.daysIn(year: date.year, month: date.month) {
            date.day = 1
            date.month += 1
            if date.month > 12 {
                date.month = 1
                date.year += 1
            }
        }
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}

import SluiceCore

/// The POSIX `TZ` rule at the end of a TZif file (`CET-1CEST,M3.5.0,M10.5.0/3`), which
/// says what happens after the file's last listed transition.
///
/// Supports RFC 8536's extensions: quoted names (`<+1030>`), and transition times from
/// -167 to 167 hours.
struct PosixTimeZoneRule: Sendable, Equatable {
    /// A day of the year on which daylight saving starts or ends.
    enum Day: Sendable, Equatable {
        /// `Jn`: day 1–365, February 29 never counted.
        case julian(Int)
        /// `n`: day 0–365, February 29 counted in leap years.
        case zeroBased(Int)
        /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (1–5, 5 = last) of month `m`.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
    }

    /// Standard time's offset east of UTC, in seconds.
    var standard: Int64
    /// Daylight time's offset and when it starts and ends (each as a day and a local time
    /// in seconds, in the time then in force), if the zone has daylight saving.
    var daylight: (offset: Int64, start: (day: Day, time: Int64), end: (day: Day, time: Int64))?

    static func == (lhs: PosixTimeZoneRule, rhs: PosixTimeZoneRule) -> Bool {
        guard lhs.standard == rhs.standard else { return false }
        switch (lhs.daylight, rhs.daylight) {
        case (nil, nil): return true
        case let (l?, r?):
            return l.offset == r.offset && l.start.day == r.start.day && l.start.time == r.start.time
                && l.end.day == r.end.day && l.end.time == r.end.time
        default: return false
        }
    }

    /// Parses a TZ string; `nil` when it is not one this parser understands.
    init?(_ text: Substring) {
        var scanner = Scanner(characters: Array(text))
        guard scanner.name(), let standardWest = scanner.offset() else { return nil }
        standard = -standardWest
        if scanner.atEnd {
            daylight = nil
            return
        }
        guard scanner.name() else { return nil }
        var daylightOffset = standard + 3600
        if let west = scanner.offset() { daylightOffset = -west }
        // Without rules POSIX leaves the dates to the implementation; the US rules are the usual choice.
        var start = (day: Day.monthWeekDay(month: 3, week: 2, weekday: 0), time: Int64(7200))
        var end = (day: Day.monthWeekDay(month: 11, week: 1, weekday: 0), time: Int64(7200))
        if scanner.take(",") {
            guard let first = scanner.dateRule(), scanner.take(","), let second = scanner.dateRule() else { return nil }
            start = first
            end = second
        }
        guard scanner.atEnd else { return nil }
        daylight = (daylightOffset, start, end)
    }

    /// The offset changes this rule makes in `year`, in time order.
    func changes(inYear year: Int) -> [UTCOffsetChange] {
        guard let daylight else { return [] }
        let startDay = Int64(PosixTimeZoneRule.daysSinceEpoch(of: daylight.start.day, inYear: year))
        let endDay = Int64(PosixTimeZoneRule.daysSinceEpoch(of: daylight.end.day, inYear: year))
        let start = UTCOffsetChange(
            at: startDay * 86_400 + daylight.start.time - standard, before: standard, after: daylight.offset)
        let end = UTCOffsetChange(
            at: endDay * 86_400 + daylight.end.time - daylight.offset, before: daylight.offset, after: standard)
        return start.at <= end.at ? [start, end] : [end, start]
    }

    /// The changes of the years around `instant`, enough to find the ones just before and after it.
    func changes(around instant: Int64) -> [UTCOffsetChange] {
        let year = CivilDate(daysSinceEpoch: Int(CronExpression.floorDivide(instant + standard, 86_400))).year
        return (year - 1...year + 1).flatMap { changes(inYear: $0) }
    }

    /// The offset east of UTC in force at `instant`.
    func offset(at instant: Int64) -> Int64 {
        guard daylight != nil else { return standard }
        return changes(around: instant).last(where: { $0.at <= instant })?.after ?? standard
    }

    /// Days since 1970-01-01 of `day` in `year`.
    static func daysSinceEpoch(of day: Day, inYear year: Int) -> Int {
        let january1 = Timestamp.daysFromCivil(year: year, month: 1, day: 1)
        switch day {
        case .julian(let n):
            return january1 + n - 1 + (Timestamp.isLeap(year) && n >= 60 ? 1 : 0)
        case .zeroBased(let n):
            return january1 + n
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilDate(year: year, month: month, day: 1)
            var day = 1 + (weekday - first.weekday + 7) % 7 + (week - 1) * 7
            while day > CivilDate.daysIn(year: year, month: month) { day -= 7 }
            return first.daysSinceEpoch + day - 1
        }
    }

    /// A cursor over the characters of a TZ string.
    private struct Scanner {
        var characters: [Character]
        var index = 0

        var atEnd: Bool { index >= characters.count }

        mutating func take(_ character: Character) -> Bool {
            guard !atEnd, characters[index] == character else { return false }
            index += 1
            return true
        }

        /// A zone abbreviation: three or more letters, or anything between `<` and `>`.
        mutating func name() -> Bool {
            if take("<") {
                while !atEnd, characters[index] != ">" { index += 1 }
                return take(">")
            }
            let start = index
            while !atEnd, characters[index].isLetter { index += 1 }
            return index - start >= 3
        }

        mutating func number() -> Int64? {
            let start = index
            while !atEnd, characters[index].isASCII, characters[index].isNumber { index += 1 }
            guard index > start, index - start <= 3 else { return nil }
            return Int64(String(characters[start..<index]))
        }

        /// `[+-]hh[:mm[:ss]]` in seconds, signed as written.
        mutating func offset() -> Int64? {
            let negative = take("-")
            if !negative { _ = take("+") }
            guard let hours = number() else { return nil }
            var seconds = hours * 3600
            if take(":") {
                guard let minutes = number() else { return nil }
                seconds += minutes * 60
                if take(":") {
                    guard let secs = number() else { return nil }
                    seconds += secs
                }
            }
            return negative ? -seconds : seconds
        }

        /// `Jn`, `n` or `Mm.w.d`, optionally followed by `/time` (default 02:00).
        mutating func dateRule() -> (day: Day, time: Int64)? {
            let day: Day
            if take("J") {
                guard let n = number(), (1...365).contains(n) else { return nil }
                day = .julian(Int(n))
            } else if take("M") {
                guard let month = number(), take("."), let week = number(), take("."), let weekday = number(),
                    (1...12).contains(month), (1...5).contains(week), (0...6).contains(weekday)
                else { return nil }
                day = .monthWeekDay(month: Int(month), week: Int(week), weekday: Int(weekday))
            } else {
                guard let n = number(), (0...365).contains(n) else { return nil }
                day = .zeroBased(Int(n))
            }
            var time: Int64 = 7200
            if take("/") {
                guard let parsed = offset() else { return nil }
                time = parsed
            }
            return (day, time)
        }
    }
}

import SluiceCore

/// A proleptic Gregorian calendar date for cron arithmetic; the day-count conversions are
/// Core's (`Timestamp.daysFromCivil` / `civilFromDays`), shared with timestamp parsing.
struct CivilDate: Sendable, Equatable {
    var year: Int
    /// 1–12.
    var month: Int
    /// 1–31.
    var day: Int

    /// The date `days` days after 1970-01-01.
    init(daysSinceEpoch days: Int) {
        (year, month, day) = Timestamp.civilFromDays(days)
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01.
    var daysSinceEpoch: Int { Timestamp.daysFromCivil(year: year, month: month, day: day) }

    /// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    var weekday: Int {
        let remainder = (daysSinceEpoch + 4) % 7
        return remainder < 0 ? remainder + 7 : remainder
    }

    static func daysIn(year: Int, month: Int) -> Int { Timestamp.daysInMonth(year: year, month: month) }
}

import SluiceCore

extension CronExpression {
    /// The first fire time strictly after `date`, evaluated in `timeZone`'s wall-clock time,
    /// or `nil` if there is none within about nine years (which, since expressions that can
    /// never fire are rejected, only happens near the end of time).
    ///
    /// `date` is truncated to the minute (to the second with a seconds field). Across
    /// daylight-saving changes (matching croniter where noted):
    /// - A wall time skipped by a spring-forward gap fires once, at the first existing
    ///   minute after the gap with its seconds kept (`30 2 * * *` on a New York spring
    ///   day fires at 03:00 EDT), as croniter does. An expression whose hour field is `*`
    ///   is periodic rather than a time of day, so its matches in the gap are skipped,
    ///   also as croniter does.
    /// - A wall time repeated by a fall-back change fires once, at its first occurrence
    ///   (`30 1 * * *` fires at 01:30 EDT, not again at 01:30 EST; `*/20 * * * *` fires at
    ///   01:00, 01:20, 01:40 EDT, then 02:00 EST). croniter fires the second occurrence too
    ///   (mostly: it misses some in 30-minute changes such as Lord Howe's); this is the one
    ///   deliberate difference.
    ///
    /// `@every` expressions ignore the zone and fire at the Unix epoch plus multiples of
    /// their interval; use ``CronSchedule`` to choose another anchor.
    public func next(after date: Timestamp, in timeZone: CronTimeZone = .utc) -> Timestamp? {
        if let every { return every.next(after: date, anchor: Interval.epoch) }
        let unit: Int64 = hasSecondsField ? 1 : 60
        let start = CronExpression.floorDivide(date.microseconds, 1_000_000)
        var offset = timeZone.offset(atSecond: start)
        // `from` is the earliest wall-clock time (seconds since 1970 as if in UTC) still allowed.
        var from = CronExpression.floorDivide(start + offset, unit) * unit + unit
        if let last = timeZone.transition(atOrBefore: start), last.after < last.before,
            start + offset < last.at + last.before
        {
            // The start lies in the second pass through a repeated wall time: what is left
            // of it already had its turn in the first pass.
            from = max(from, last.at + last.before)
        }
        var instant = start
        // Each pass crosses one offset change; nine years hold at most a few dozen.
        for _ in 0..<64 {
            guard let match = nextLocalMatch(atOrAfter: from) else { return nil }
            let candidate = match - offset
            guard let change = timeZone.transition(after: instant), change.at <= candidate else {
                return Timestamp(microseconds: candidate * 1_000_000)
            }
            let wallAfter = change.at + change.after
            if change.after > change.before {
                // Spring forward: wall times [at + before, at + after) do not exist.
                if match < wallAfter {
                    if !isHourly {
                        let minutesLate = CronExpression.floorDivide(wallAfter - match + 59, 60)
                        return Timestamp(microseconds: (match + minutesLate * 60 - change.after) * 1_000_000)
                    }
                    from = wallAfter
                } else {
                    from = match
                }
            } else if change.after < change.before {
                // Fall back: wall times [at + after, at + before) come round again.
                from = change.at + change.before
            }
            instant = change.at
            offset = change.after
        }
        return nil
    }

    /// The first wall-clock second at or after `local` (seconds since 1970 as if in UTC)
    /// that the fields match, ignoring time zones.
    ///
    /// Months, days, hours and minutes that cannot match are skipped whole, so the cost is
    /// at most a few hundred steps whatever the expression.
    func nextLocalMatch(atOrAfter local: Int64) -> Int64? {
        let dayIndex = CronExpression.floorDivide(local, 86_400)
        let secondOfDay = Int(local - dayIndex * 86_400)
        var date = CivilDate(daysSinceEpoch: Int(dayIndex))
        var hour = secondOfDay / 3600
        var minute = secondOfDay % 3600 / 60
        var second = secondOfDay % 60
        // Feb 29 can be eight years away (2096 → 2104); nothing valid is further.
        let lastYear = date.year + 9
        func nextDay() {
            CronExpression.advanceDay(&date)
            (hour, minute, second) = (0, 0, 0)
        }
        while date.year <= lastYear {
            guard months & (1 << UInt64(date.month)) != 0 else {
                if let month = CronExpression.nextBit(months, from: date.month + 1) {
                    date = CivilDate(year: date.year, month: month, day: 1)
                } else {
                    date = CivilDate(year: date.year + 1, month: CronExpression.nextBit(months, from: 1) ?? 1, day: 1)
                }
                (hour, minute, second) = (0, 0, 0)
                continue
            }
            guard matchesDay(date) else {
                nextDay()
                continue
            }
            guard let nextHour = CronExpression.nextBit(hours, from: hour) else {
                nextDay()
                continue
            }
            if nextHour != hour {
                (hour, minute, second) = (nextHour, 0, 0)
            }
            guard let nextMinute = CronExpression.nextBit(minutes, from: minute) else {
                (hour, minute, second) = (hour + 1, 0, 0)
                if hour > 23 { nextDay() }
                continue
            }
            if nextMinute != minute {
                (minute, second) = (nextMinute, 0)
            }
            guard let nextSecond = CronExpression.nextBit(seconds, from: second) else {
                (minute, second) = (minute + 1, 0)
                if minute > 59 {
                    (hour, minute) = (hour + 1, 0)
                    if hour > 23 { nextDay() }
                }
                continue
            }
            return (Int64(date.daysSinceEpoch) * 86_400) + Int64(hour * 3600 + minute * 60 + nextSecond)
        }
        return nil
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
}

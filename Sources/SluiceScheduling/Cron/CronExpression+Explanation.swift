extension CronExpression {
    /// A plain-English reading for `POST /schedules/validate`, e.g. `0 30 9 * * 1-5` is
    /// "at second 0, minute 30, hour 9, on Monday through Friday".
    public var explanation: String {
        if let every { return "every \(every)" }
        let texts = Array(fieldTexts.suffix(5))
        var parts: [String] = []
        if hasSecondsField, let secondText = fieldTexts.first {
            parts.append(CronExpression.describe(secondText, seconds, field: .second, unit: "second"))
        }
        parts.append(CronExpression.describe(texts[0], minutes, field: .minute, unit: "minute"))
        parts.append(CronExpression.describe(texts[1], hours, field: .hour, unit: "hour"))
        let monthDays = "day-of-month " + CronExpression.values(daysOfMonth, field: .dayOfMonth)
        let weekdays = CronExpression.values(daysOfWeek, field: .dayOfWeek)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): parts.append("on \(monthDays) or on \(weekdays)")
        case (true, false): parts.append("on \(monthDays)")
        case (false, true): parts.append("on \(weekdays)")
        case (false, false): parts.append("every day")
        }
        if months != CronField.month.allBits {
            parts.append("in " + CronExpression.values(months, field: .month))
        }
        return "at " + parts.joined(separator: ", ")
    }

    /// `every minute`, `every 15 minutes` (for `*/15`), `minute 5`, `minutes 0 and 30`.
    private static func describe(_ text: String, _ bits: UInt64, field: CronField, unit: String) -> String {
        if text == "*" { return "every \(unit)" }
        if text.hasPrefix("*/"), let step = Int(text.dropFirst(2)) {
            return step == 1 ? "every \(unit)" : "every \(step) \(unit)s"
        }
        let list = values(bits, field: field)
        return (bits.nonzeroBitCount == 1 ? unit : unit + "s") + " " + list
    }

    /// The set values as runs: `1 through 5`, `0, 15, 30 and 45`, `January and July`.
    private static func values(_ bits: UInt64, field: CronField) -> String {
        var runs: [String] = []
        var value = field.all.lowerBound
        while let start = nextBit(bits, from: value), start <= field.all.upperBound {
            var end = start
            while end + 1 <= field.all.upperBound, bits & (1 << UInt64(end + 1)) != 0 { end += 1 }
            if end - start >= 2 {
                runs.append("\(name(start, field)) through \(name(end, field))")
            } else {
                runs.append(contentsOf: (start...end).map { name($0, field) })
            }
            value = end + 1
        }
        guard let last = runs.popLast() else { return "" }
        return runs.isEmpty ? last : runs.joined(separator: ", ") + " and " + last
    }

    private static func name(_ value: Int, _ field: CronField) -> String {
        switch field {
        case .month:
            return ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"][value - 1]
        case .dayOfWeek:
            return ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][value]
        default:
            return String(value)
        }
    }
}

import SluiceCore
import SluiceScheduling

/// The properties checked on one input of the cron parser.
enum CronFuzzing {
    /// Starts fire times are computed from: the epoch, 2024 around the daylight-saving changes
    /// of the northern and southern hemispheres, a half second, 2038 and before 1970.
    static let starts: [Timestamp] = [
        0, 1_710_036_000, 1_711_846_800, 1_712_412_000, 1_730_581_200, 1_730_008_800, 1_705_313_862,
        2_147_483_647, -86_401, 4_102_444_800,
    ].map { Timestamp(microseconds: Int64($0) * 1_000_000) } + [Timestamp(microseconds: 1_710_000_000_500_000)]

    /// The input's text: the expression, then optionally a line feed and a time-zone name
    /// (the part after the last line feed; UTC without one).
    static func split(_ bytes: [UInt8]) -> (expression: String, zone: String) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let lineFeed = text.lastIndex(of: "\n") else { return (text, "UTC") }
        return (String(text[..<lineFeed]), String(text[text.index(after: lineFeed)...]))
    }

    /// Parses the expression (both entry points must agree); loads the zone when the
    /// expression parses. For a schedule: from every start, five fire times that strictly
    /// increase after the start, and each one is a fire time itself (the next one after the
    /// second before it is that very time).
    static func run(_ bytes: [UInt8]) -> FuzzReport {
        let (text, zoneName) = split(bytes)
        var report = FuzzReport()
        let expression: CronExpression
        do {
            expression = try CronExpression(parsing: text)
        } catch {
            report.outcome = "rejected: \(error.problem) at column \(error.column)"
            report.check((1...(text.count + 1)).contains(error.column), "error column \(error.column) outside 1...\(text.count + 1)")
            _ = error.description
            report.check((try? CronExpression(text)) == nil, "CronExpression(_:) accepts what init(parsing:) refuses")
            return report
        }
        report.check((try? CronExpression(text)) == expression, "CronExpression(_:) does not give what init(parsing:) gives")
        let schedule: CronSchedule
        do {
            schedule = CronSchedule(expression: expression, timeZone: try CronTimeZone(identifier: zoneName))
        } catch {
            report.outcome = "parsed; zone rejected: \(error.reason)"
            return report
        }
        report.outcome = "parsed: \(schedule.summary)"
        for start in starts {
            let times = schedule.nextFireTimes(after: start, count: 5)
            _ = schedule.explain(after: start, count: 2)
            report.check(times.first.map { $0 > start } ?? true, "from \(start.iso8601): first fire time \(times[0].iso8601) is not after the start")
            report.check(
                zip(times, times.dropFirst()).allSatisfy { $0 < $1 },
                "from \(start.iso8601): fire times do not increase: \(times.map(\.iso8601))")
            for time in times where !KnownIssues.movedByGap(time, in: schedule.timeZone) {
                let again = schedule.next(after: Timestamp(microseconds: time.microseconds - 1_000_000))
                report.check(
                    again == time,
                    "from \(start.iso8601): \(time.iso8601) is a fire time, but the next one after the second before it is \(again?.iso8601 ?? "none")")
            }
        }
        return report
    }
}

import SluiceCore

/// When a scheduled job runs: a cron expression (or an interval) and the IANA time zone
/// whose wall clock it is read in.
///
/// This is the type the scheduler keeps per schedule; ``next(after:)`` gives the next fire
/// time and ``nextFireTimes(after:count:)`` the list `GET /schedules/:id` shows.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    /// The expression; an interval schedule holds an `@every` expression.
    public let expression: CronExpression
    /// The zone whose wall clock the expression is read in.
    public let timeZone: CronTimeZone
    /// The phase of an `@every` expression or interval: it fires at `anchor + k × interval`.
    /// Ignored by field expressions.
    public let anchor: Timestamp

    /// A schedule for `expression` read in `timeZone`; `@every` runs from `anchor`.
    public init(expression: CronExpression, timeZone: CronTimeZone = .utc, anchor: Timestamp = Interval.epoch) {
        self.expression = expression
        self.timeZone = timeZone
        self.anchor = anchor
    }

    /// An interval schedule (`"interval": "15m"`): fires at `anchor + k × interval`, such
    /// as every 15 minutes from the moment the schedule was created.
    public init(interval: Interval, anchor: Timestamp) {
        self.init(expression: CronExpression(every: interval), timeZone: .utc, anchor: anchor)
    }

    /// Parses `cron` and loads the zone named `timeZone`; errors are prefixed `cron` or
    /// `timeZone`, the spec's field names.
    public init(cron: String, timeZone: String = "UTC") throws(SpecError) {
        let expression: CronExpression
        do throws(SpecError) {
            expression = try CronExpression(cron)
        } catch {
            throw error.prefixed("cron")
        }
        do throws(SpecError) {
            self.init(expression: expression, timeZone: try CronTimeZone(identifier: timeZone))
        } catch {
            throw error.prefixed("timeZone")
        }
    }

    /// The first fire time strictly after `date` (see ``CronExpression/next(after:in:)``
    /// for daylight-saving behaviour).
    public func next(after date: Timestamp) -> Timestamp? {
        if let every = expression.every { return every.next(after: date, anchor: anchor) }
        return expression.next(after: date, in: timeZone)
    }

    /// The next `count` fire times after `date`, each strictly after the one before.
    public func nextFireTimes(after date: Timestamp, count: Int) -> [Timestamp] {
        var times: [Timestamp] = []
        var current = date
        while times.count < count, let time = next(after: current) {
            times.append(time)
            current = time
        }
        return times
    }

    /// The expression and zone as `POST /schedules/validate` explains them, with the next
    /// `count` fire times in local time: "at minute 30, hour 9, on Monday through Friday,
    /// in Europe/Berlin; next: 2024-03-11T09:30:00+01:00, …".
    public func explain(after date: Timestamp, count: Int = 5) -> String {
        let times = nextFireTimes(after: date, count: count).map { timeZone.localISO8601($0) }
        return summary + "; next: " + (times.isEmpty ? "never" : times.joined(separator: ", "))
    }

    /// What the schedule means, without fire times.
    public var summary: String {
        if let every = expression.every {
            return "every \(every), counted from \(anchor.iso8601)"
        }
        return "\(expression.explanation), in \(timeZone.identifier)"
    }

    /// The expression and zone, `0 2 * * * (Europe/Berlin)`.
    public var description: String { "\(expression.text) (\(timeZone.identifier))" }
}

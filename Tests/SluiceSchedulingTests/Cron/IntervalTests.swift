import SluiceCore
import Testing

@testable import SluiceScheduling

@Suite("Interval")
struct IntervalTests {
    func problem(_ text: String) -> String? {
        do {
            _ = try Interval(parsing: text[...], in: text)
            return nil
        } catch {
            return "\(error.problem) @\(error.column)"
        }
    }

    func time(_ iso: String) throws -> Timestamp {
        try #require(Timestamp(iso8601: iso))
    }

    @Test func parsesUnitsLargestFirst() throws {
        #expect(try Interval("30s").seconds == 30)
        #expect(try Interval("15m").seconds == 900)
        #expect(try Interval("1h30m").seconds == 5400)
        #expect(try Interval("2d").seconds == 172_800)
        #expect(try Interval("1d12h30m15s").seconds == 131_415)
        #expect(try Interval("90m").description == "1h30m")
        #expect(try Interval("86400s").description == "1d")
        #expect(Interval(seconds: 0) == nil)
        #expect(Interval(seconds: 60)?.description == "1m")
    }

    @Test func errorsPointAtTheProblem() {
        #expect(problem("") == "expected a duration such as 30s, 5m, 1h30m or 2d @1")
        #expect(problem("15") == "missing unit after '15'; expected d, h, m or s @3")
        #expect(problem("5x") == "unknown unit 'x' in duration '5x'; expected d, h, m or s @2")
        #expect(problem("m") == "expected a number in duration 'm', such as 30s, 5m, 1h30m or 2d @1")
        #expect(problem("1h 30m") == "expected a number in duration '1h 30m', such as 30s, 5m, 1h30m or 2d @3")
        #expect(problem("30m1h") == "units in duration '30m1h' must go from largest to smallest, each once (1h30m) @5")
        #expect(problem("1m1m") == "units in duration '1m1m' must go from largest to smallest, each once (1h30m) @4")
        #expect(problem("0m") == "duration '0m' must be longer than zero @1")
        #expect(problem("367d") == "duration '367d' is longer than 366 days @1")
        #expect(problem("99999999999999999999s") == "duration '99999999999999999999s' is longer than 366 days @1")
        do {
            _ = try CronExpression("@every 5x")
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == "unknown unit 'x' in duration '5x'; expected d, h, m or s at column 9\n  @every 5x\n          ^")
        }
    }

    @Test func firesAtAnchorPlusMultiples() throws {
        let fifteen = try Interval("15m")
        let anchor = try time("2024-01-15T10:07:30Z")
        #expect(fifteen.next(after: anchor, anchor: anchor) == (try time("2024-01-15T10:22:30Z")))
        #expect(fifteen.next(after: try time("2024-01-15T10:22:29.999Z"), anchor: anchor) == (try time("2024-01-15T10:22:30Z")))
        // Before the anchor, the same phase continues backwards.
        #expect(fifteen.next(after: try time("2024-01-15T09:00:00Z"), anchor: anchor) == (try time("2024-01-15T09:07:30Z")))
        let schedule = CronSchedule(interval: fifteen, anchor: anchor)
        #expect(
            schedule.nextFireTimes(after: try time("2024-01-15T11:00:00Z"), count: 3)
                == [try time("2024-01-15T11:07:30Z"), try time("2024-01-15T11:22:30Z"), try time("2024-01-15T11:37:30Z")])
        #expect(schedule.summary == "every 15m, counted from 2024-01-15T10:07:30.000Z")
        #expect(schedule.expression.text == "@every 15m")
    }

    @Test func ignoresDaylightSaving() throws {
        // An interval counts real time: across New York's spring change it stays 1h apart.
        let schedule = CronSchedule(
            expression: try CronExpression("@every 1h"), timeZone: try CronTimeZone(identifier: "America/New_York"))
        #expect(
            schedule.nextFireTimes(after: try time("2024-03-10T05:30:00Z"), count: 2).map(schedule.timeZone.localISO8601)
                == ["2024-03-10T01:00:00-05:00", "2024-03-10T03:00:00-04:00"])
    }
}

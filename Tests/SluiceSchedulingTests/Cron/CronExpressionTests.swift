import SluiceCore
import Testing

@testable import SluiceScheduling

@Suite("CronExpression")
struct CronExpressionTests {
    /// The problem and column `text` is refused with, or `nil` if it parses.
    func problem(_ text: String) -> String? {
        do {
            _ = try CronExpression(parsing: text)
            return nil
        } catch {
            #expect(error.text == text)
            return "\(error.problem) @\(error.column)"
        }
    }

    func time(_ iso: String) throws -> Timestamp {
        try #require(Timestamp(iso8601: iso))
    }

    @Test func errorShowsColumnAndCaret() {
        do {
            _ = try CronExpression("0 0 L * *")
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "")
            #expect(error.reason == "day-of-month field 'L': 'L' (last day) is not supported at column 5\n  0 0 L * *\n      ^")
            #expect(error.prefixed("cron").message.hasPrefix("cron: day-of-month field 'L'"))
        }
        do {
            _ = try CronExpression(parsing: "0\t0 * * 9")
            Issue.record("expected an error")
        } catch {
            // Tabs stay tabs under the caret so it lines up however they render.
            #expect(error.description == "day-of-week field '9': value out of range 0-7 at column 9\n  0\t0 * * 9\n   \t      ^")
            #expect(error.specError == SpecError(error.description))
        }
    }

    @Test func unsupportedSyntaxIsNamed() {
        #expect(problem("0 0 L * *") == "day-of-month field 'L': 'L' (last day) is not supported @5")
        #expect(problem("0 0 * * 5L") == "day-of-week field '5L': 'L' (last day) is not supported @10")
        #expect(problem("0 0 15W * *") == "day-of-month field '15W': 'W' (nearest weekday) is not supported @7")
        #expect(problem("0 0 * * 1#2") == "day-of-week field '1#2': '#' (nth weekday of the month) is not supported @10")
        #expect(problem("0 0 ? * 1") == "day-of-month field '?': '?' is not supported; write '*' @5")
        #expect(problem("H * * * *") == "minute field 'H': 'H' (hashed value) is not supported @1")
        #expect(problem("0 0 * JUL *") == nil)
        #expect(problem("0 0 * * WED,THU") == nil)
    }

    @Test func wrongFieldCount() {
        let expected = "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got"
        #expect(problem("* * * *") == "\(expected) 4 @8")
        #expect(problem("0 0 0 * * * *") == "\(expected) 7 @13")
        #expect(problem("") == "\(expected) 0 @1")
        #expect(problem("@daily 5") == "nothing may follow the preset '@daily' @8")
        #expect(problem("@every") == "'@every' takes one duration, such as '@every 5m' @7")
        #expect(problem("@every 5m 1h") == "'@every' takes one duration, such as '@every 5m' @11")
        #expect(
            problem("  @reboot")
                == "unknown preset '@reboot'; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration> @3"
        )
    }

    @Test func valuesOutOfRange() {
        #expect(problem("61 * * * *") == "minute field '61': value out of range 0-59 @1")
        #expect(problem("60 0 * * * *") == "second field '60': value out of range 0-59 @1")
        #expect(problem("0 24 * * *") == "hour field '24': value out of range 0-23 @3")
        #expect(problem("0 0 0 * *") == "day-of-month field '0': value out of range 1-31 @5")
        #expect(problem("0 0 32 * *") == "day-of-month field '32': value out of range 1-31 @5")
        #expect(problem("0 0 1 13 *") == "month field '13': value out of range 1-12 @7")
        #expect(problem("0 0 * * 8") == "day-of-week field '8': value out of range 0-7 @9")
        #expect(problem("1,61 * * * *") == "minute field '1,61': value '61' out of range 0-59 @3")
        #expect(problem("0 1-24 * * *") == "hour field '1-24': value '24' out of range 0-23 @5")
        #expect(problem("99999999999999999999 * * * *") == "minute field '99999999999999999999': value out of range 0-59 @1")
    }

    @Test func badSteps() {
        #expect(problem("*/0 * * * *") == "minute field '*/0': step must be a positive integer, got '0' @3")
        #expect(problem("*/x * * * *") == "minute field '*/x': step must be a positive integer, got 'x' @3")
        #expect(problem("0 */ * * *") == "hour field '*/': step must be a positive integer, got '' @5")
        #expect(problem("*/-2 * * * *") == "minute field '*/-2': step must be a positive integer, got '-2' @3")
        #expect(problem("1/2/3 * * * *") == "minute field '1/2/3': more than one '/' in '1/2/3' @5")
        #expect(problem("/5 * * * *") == "minute field '/5': missing value before '/' @1")
    }

    @Test func badNamesRangesAndLists() {
        #expect(problem("0 0 * FOO *") == "month field 'FOO': unknown name 'FOO'; expected JAN-DEC or 1-12 @7")
        #expect(problem("0 0 * * MOX") == "day-of-week field 'MOX': unknown name 'MOX'; expected SUN-SAT or 0-7 @9")
        #expect(problem("0 0 * * monday") == "day-of-week field 'monday': unknown name 'monday'; expected SUN-SAT or 0-7 @9")
        #expect(problem("a * * * *") == "minute field 'a': 'a' is not a number; expected 0-59 @1")
        #expect(problem("0 0 JAN * *") == "day-of-month field 'JAN': 'JAN' is not a number; expected 1-31 @5")
        #expect(problem("5-2 * * * *") == "minute field '5-2': range '5-2' starts after it ends; write the smaller value first @1")
        #expect(problem("0 0 * * FRI-MON") == "day-of-week field 'FRI-MON': range 'FRI-MON' starts after it ends; write the smaller value first @9")
        #expect(problem("1,5-5 * * * *") == "minute field '1,5-5': range '5-5' is a single value; write '5' @3")
        #expect(problem("1- * * * *") == "minute field '1-': '1-' is not a range; expected start-end @1")
        #expect(problem("1-2-3 * * * *") == "minute field '1-2-3': '1-2-3' is not a range; expected start-end @1")
        #expect(problem("1,,2 * * * *") == "minute field '1,,2': empty element in list @3")
        #expect(problem("0 0 30 2 *") == "day-of-month field '30': no such day in the months of month field '2', so it never fires @5")
        #expect(
            problem("0 0 31 4,jun,9 *")
                == "day-of-month field '31': no such day in the months of month field '4,jun,9', so it never fires @5")
    }

    @Test func acceptsEveryDocumentedForm() {
        for text in [
            "* * * * *", "0 2 * * *", "0,30 9-17 * * 1-5", "*/15 * * * *", "10-50/20 * * * *", "5/15 * * * *",
            "0 0 1 JAN *", "0 0 * jan-Mar sun", "0 0 * * 7", "@yearly", "@ANNUALLY", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly", "0 0 29 2 *", "0 0 30 2 1", "\t0  0 * *\t* ", "*/10 * * * * *", "30 0 9 * * 1-5",
            "@every 5m", "@every 1h30m", "@EVERY 2d",
        ] {
            #expect(problem(text) == nil, "\(text)")
        }
    }

    @Test func equalityIgnoresSpelling() throws {
        #expect(try CronExpression("@daily") == CronExpression("0 0 * * *"))
        #expect(try CronExpression("@midnight") == CronExpression("@daily"))
        #expect(try CronExpression("0 0 0 * * *") == CronExpression("@daily"))
        #expect(try CronExpression("0 0 * * 7") == CronExpression("0 0 * * SUN"))
        #expect(try CronExpression("0 0 * jan,Feb mon-fri") == CronExpression("0 0 * 1,2 1-5"))
        #expect(try CronExpression("*/20 * * * *") == CronExpression("0,20,40 * * * *"))
        #expect(try CronExpression("0 0 * * *") != CronExpression("0 1 * * *"))
        #expect(try CronExpression("30 0 0 * * *") != CronExpression("0 0 * * *"))
        #expect(try CronExpression("@every 90m") == CronExpression("@every 1h30m"))
        #expect(try CronExpression("@every 90m") != CronExpression("@every 1h"))
        // Same days as written, but `*/1` restricts the day-of-month while `*` does not.
        #expect(try CronExpression("0 0 */1 * 1") != CronExpression("0 0 * * 1"))
        #expect(try CronExpression("@weekly").text == "@weekly")
        #expect(try CronExpression("@weekly").description == "@weekly")
    }

    @Test func nextIsStrictlyAfterWithSecondsTruncated() throws {
        let hourly = try CronExpression("0 * * * *")
        #expect(hourly.next(after: try time("2024-01-15T10:00:00Z")) == (try time("2024-01-15T11:00:00Z")))
        #expect(hourly.next(after: try time("2024-01-15T09:59:59.999Z")) == (try time("2024-01-15T10:00:00Z")))
        let everyMinute = try CronExpression("* * * * *")
        #expect(everyMinute.next(after: try time("2024-01-15T10:00:30.5Z")) == (try time("2024-01-15T10:01:00Z")))
        #expect(everyMinute.next(after: try time("1969-12-31T23:59:30Z")) == (try time("1970-01-01T00:00:00Z")))
    }

    @Test func secondsField() throws {
        let everyTen = try CronExpression("*/10 * * * * *")
        #expect(
            everyTen.next(3, after: try time("2024-01-15T10:00:55.5Z"))
                == [try time("2024-01-15T10:01:00Z"), try time("2024-01-15T10:01:10Z"), try time("2024-01-15T10:01:20Z")])
        let weekdayMornings = try CronExpression("15 30 9 * * MON-FRI")
        // Friday 2024-01-19 09:30:15, then Monday.
        #expect(
            weekdayMornings.next(2, after: try time("2024-01-19T09:30:14Z"))
                == [try time("2024-01-19T09:30:15Z"), try time("2024-01-22T09:30:15Z")])
        #expect(try CronExpression("0 0 * * *").hasSecondsField == false)
        #expect(weekdayMornings.hasSecondsField)
    }

    @Test func everyFiresFromTheEpoch() throws {
        let every = try CronExpression("@every 1h30m")
        #expect(every.every?.seconds == 5400)
        // 2024-01-15T10:17:00Z is 19,737 days and 10h17m after the epoch; 1h30m divides a day
        // into 16, so fire times fall on 09:00, 10:30, 12:00…
        #expect(
            every.next(2, after: try time("2024-01-15T10:17:00Z"))
                == [try time("2024-01-15T10:30:00Z"), try time("2024-01-15T12:00:00Z")])
        #expect(every.next(after: try time("2024-01-15T10:30:00Z")) == (try time("2024-01-15T12:00:00Z")))
    }

    @Test func seedSchedules() throws {
        let start = try time("2023-11-07T18:40:00Z")
        #expect(
            try CronExpression("0 2 * * *").next(3, after: start)
                == [try time("2023-11-08T02:00:00Z"), try time("2023-11-09T02:00:00Z"), try time("2023-11-10T02:00:00Z")])
        #expect(
            try CronExpression("0 * * * *").next(2, after: start)
                == [try time("2023-11-07T19:00:00Z"), try time("2023-11-07T20:00:00Z")])
    }

    @Test func dayOfMonthOrDayOfWeek() throws {
        // Both restricted: the 13th OR any Friday. From Wed 2024-09-11: Fri 13th, Fri 20th…
        let either = try CronExpression("0 0 13 * 5")
        #expect(
            either.next(3, after: try time("2024-09-11T12:00:00Z"))
                == [try time("2024-09-13T00:00:00Z"), try time("2024-09-20T00:00:00Z"), try time("2024-09-27T00:00:00Z")])
        // Only the weekday restricted: Fridays only.
        #expect(try CronExpression("0 0 * * FRI").next(after: try time("2024-10-12T00:00:00Z")) == (try time("2024-10-18T00:00:00Z")))
        // Only the day restricted: the 13th only.
        #expect(try CronExpression("0 0 13 * *").next(after: try time("2024-09-13T00:00:00Z")) == (try time("2024-10-13T00:00:00Z")))
        // A day field covering every value counts as `*` when the other contains a `*`
        // (croniter's rule): `1-31` with `*/2` is Sunday, Tuesday, Thursday, Saturday only.
        #expect(
            try CronExpression("0 0 1-31 * */2").next(3, after: try time("2024-09-11T12:00:00Z"))
                == [try time("2024-09-12T00:00:00Z"), try time("2024-09-14T00:00:00Z"), try time("2024-09-15T00:00:00Z")])
        // …but not when the other has no `*`: `1-31` or Monday is every day.
        #expect(
            try CronExpression("0 0 1-31 * 1").next(2, after: try time("2024-09-11T12:00:00Z"))
                == [try time("2024-09-12T00:00:00Z"), try time("2024-09-13T00:00:00Z")])
    }

    @Test func leapDaySkipsCenturyYears() throws {
        let leapDay = try CronExpression("0 0 29 2 *")
        #expect(
            leapDay.next(3, after: try time("2095-01-01T00:00:00Z"))
                == [try time("2096-02-29T00:00:00Z"), try time("2104-02-29T00:00:00Z"), try time("2108-02-29T00:00:00Z")])
    }

    @Test func explanation() throws {
        #expect(try CronExpression("0 30 9 * * 1-5").explanation == "at second 0, minute 30, hour 9, on Monday through Friday")
        #expect(try CronExpression("*/15 * * * *").explanation == "at every 15 minutes, every hour, every day")
        #expect(
            try CronExpression("0,30 9-17 1,15 JAN-MAR,jul SUN").explanation
                == "at minutes 0 and 30, hours 9 through 17, on day-of-month 1 and 15 or on Sunday, in January through March and July")
        #expect(try CronExpression("@daily").explanation == "at minute 0, hour 0, every day")
        #expect(try CronExpression("@every 1h30m").explanation == "every 1h30m")
    }

    @Test func farFromAnyMatchIsFast() throws {
        // Once a year at the last second: 1,000 answers span 1,000 years, which a
        // second-by-second search would not finish (no wall-clock assertion: CI decides).
        let expression = try CronExpression("59 59 23 31 12 *")
        let times = expression.next(1000, after: try time("2000-01-01T00:00:00Z"))
        #expect(times.count == 1000)
        #expect(times.last == (try time("2999-12-31T23:59:59Z")))
    }
}

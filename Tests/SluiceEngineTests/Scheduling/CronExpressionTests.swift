import SluiceCore
import Testing

@testable import SluiceEngine

@Suite("CronExpression")
struct CronExpressionTests {
    /// The reason `text` is refused with, or `nil` if it parses.
    func reason(_ text: String) -> String? {
        do {
            _ = try CronExpression(text)
            return nil
        } catch {
            #expect(error.path == "")
            return error.reason
        }
    }

    func time(_ iso: String) throws -> Timestamp {
        try #require(Timestamp(iso8601: iso))
    }

    @Test func wrongFieldCount() {
        #expect(reason("* * * *") == "expected 5 fields (minute hour day-of-month month day-of-week), got 4")
        #expect(reason("0 0 * * * *") == "expected 5 fields (minute hour day-of-month month day-of-week), got 6; seconds are not supported")
        #expect(reason("") == "expected 5 fields (minute hour day-of-month month day-of-week), got 0")
        #expect(reason("@daily 5") == "expected 5 fields (minute hour day-of-month month day-of-week), got 2")
    }

    @Test func valuesOutOfRange() {
        #expect(reason("61 * * * *") == "minute field '61': value out of range 0-59")
        #expect(reason("0 24 * * *") == "hour field '24': value out of range 0-23")
        #expect(reason("0 0 0 * *") == "day-of-month field '0': value out of range 1-31")
        #expect(reason("0 0 32 * *") == "day-of-month field '32': value out of range 1-31")
        #expect(reason("0 0 1 13 *") == "month field '13': value out of range 1-12")
        #expect(reason("0 0 * * 8") == "day-of-week field '8': value out of range 0-7")
        #expect(reason("1,61 * * * *") == "minute field '1,61': value '61' out of range 0-59")
        #expect(reason("0 1-24 * * *") == "hour field '1-24': value '24' out of range 0-23")
        #expect(reason("99999999999999999999 * * * *") == "minute field '99999999999999999999': value out of range 0-59")
    }

    @Test func badSteps() {
        #expect(reason("*/0 * * * *") == "minute field '*/0': step must be a positive integer, got '0'")
        #expect(reason("*/x * * * *") == "minute field '*/x': step must be a positive integer, got 'x'")
        #expect(reason("0 */ * * *") == "hour field '*/': step must be a positive integer, got ''")
        #expect(reason("*/-2 * * * *") == "minute field '*/-2': step must be a positive integer, got '-2'")
        #expect(reason("1/2/3 * * * *") == "minute field '1/2/3': more than one '/' in '1/2/3'")
    }

    @Test func badNamesAndShapes() {
        #expect(reason("0 0 * FOO *") == "month field 'FOO': unknown name 'FOO'; expected JAN-DEC or 1-12")
        #expect(reason("0 0 * * MOX") == "day-of-week field 'MOX': unknown name 'MOX'; expected SUN-SAT or 0-7")
        #expect(reason("0 0 * * monday") == "day-of-week field 'monday': unknown name 'monday'; expected SUN-SAT or 0-7")
        #expect(reason("a * * * *") == "minute field 'a': 'a' is not a number; expected 0-59")
        #expect(reason("0 0 JAN * *") == "day-of-month field 'JAN': 'JAN' is not a number; expected 1-31")
        #expect(reason("5-2 * * * *") == "minute field '5-2': range '5-2' starts after it ends; write the smaller value first")
        #expect(reason("1- * * * *") == "minute field '1-': '1-' is not a range; expected start-end")
        #expect(reason("1-2-3 * * * *") == "minute field '1-2-3': '1-2-3' is not a range; expected start-end")
        #expect(reason("1,,2 * * * *") == "minute field '1,,2': empty element in list")
        #expect(
            reason("@reboot")
                == "unknown preset '@reboot'; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly")
        #expect(
            reason("0 0 30 2 *")
                == "day-of-month field '30': no such day in the months of month field '2', so it never fires")
        #expect(
            reason("0 0 31 4,jun,9 *")
                == "day-of-month field '31': no such day in the months of month field '4,jun,9', so it never fires")
    }

    @Test func errorsTakeTheCallersPrefix() {
        do {
            _ = try CronExpression("0 0 * * 9")
            Issue.record("expected an error")
        } catch {
            #expect(error.prefixed("cron").message == "cron: day-of-week field '9': value out of range 0-7")
        }
    }

    @Test func acceptsEveryDocumentedForm() throws {
        for text in [
            "* * * * *", "0 2 * * *", "0,30 9-17 * * 1-5", "*/15 * * * *", "10-50/20 * * * *", "5/15 * * * *",
            "0 0 1 JAN *", "0 0 * jan-Mar sun", "0 0 * * 7", "@yearly", "@ANNUALLY", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly", "0 0 29 2 *", "0 0 30 2 1", "\t0  0 * *\t* ",
        ] {
            #expect(reason(text) == nil, "\(text)")
        }
    }

    @Test func equalityIgnoresSpelling() throws {
        #expect(try CronExpression("@daily") == CronExpression("0 0 * * *"))
        #expect(try CronExpression("@midnight") == CronExpression("@daily"))
        #expect(try CronExpression("0 0 * * 7") == CronExpression("0 0 * * SUN"))
        #expect(try CronExpression("0 0 * jan,Feb mon-fri") == CronExpression("0 0 * 1,2 1-5"))
        #expect(try CronExpression("*/20 * * * *") == CronExpression("0,20,40 * * * *"))
        #expect(try CronExpression("0 0 * * *") != CronExpression("0 1 * * *"))
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
        let fridays = try CronExpression("0 0 * * FRI")
        #expect(fridays.next(after: try time("2024-10-12T00:00:00Z")) == (try time("2024-10-18T00:00:00Z")))
        // Only the day restricted: the 13th only.
        let thirteenth = try CronExpression("0 0 13 * *")
        #expect(thirteenth.next(after: try time("2024-09-13T00:00:00Z")) == (try time("2024-10-13T00:00:00Z")))
    }

    @Test func leapDaySkipsCenturyYears() throws {
        let leapDay = try CronExpression("0 0 29 2 *")
        #expect(
            leapDay.next(3, after: try time("2095-01-01T00:00:00Z"))
                == [try time("2096-02-29T00:00:00Z"), try time("2104-02-29T00:00:00Z"), try time("2108-02-29T00:00:00Z")])
    }

    @Test func farFromAnyMatchIsFast() throws {
        // Once a year at the last minute; 1,000 answers must take far less than a second,
        // which a minute-by-minute search (525,600 steps each) could not.
        let expression = try CronExpression("59 23 31 12 *")
        let clock = ContinuousClock()
        var times: [Timestamp] = []
        let elapsed = try clock.measure {
            times = expression.next(1000, after: try time("2000-01-01T00:00:00Z"))
        }
        #expect(times.count == 1000)
        #expect(times.last == (try time("2999-12-31T23:59:00Z")))
        #expect(elapsed < .seconds(1))
    }
}

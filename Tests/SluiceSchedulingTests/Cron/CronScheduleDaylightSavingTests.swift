import SluiceCore
import Testing

@testable import SluiceScheduling

/// Fire times across daylight-saving changes, written as local times with their offsets.
@Suite("CronSchedule across daylight-saving changes")
struct CronScheduleDaylightSavingTests {
    /// The next `count` fire times of `cron` in `zone` after the local time `start`
    /// (ISO 8601 with offset), as local times with offsets.
    func fires(_ cron: String, _ zone: String, after start: String, count: Int) throws -> [String] {
        let schedule = try CronSchedule(cron: cron, timeZone: zone)
        let startTime = try #require(Timestamp(iso8601: start))
        return schedule.nextFireTimes(after: startTime, count: count).map { schedule.timeZone.localISO8601($0) }
    }

    @Test func newYorkSkippedHourFiresOnceAfterTheGap() throws {
        #expect(
            try fires("30 2 * * *", "America/New_York", after: "2024-03-09T12:00:00-05:00", count: 2)
                == ["2024-03-10T03:00:00-04:00", "2024-03-11T02:30:00-04:00"])
        #expect(
            try fires("*/20 2 * * *", "America/New_York", after: "2024-03-10T01:50:00-05:00", count: 2)
                == ["2024-03-10T03:00:00-04:00", "2024-03-11T02:00:00-04:00"])
        // Seconds are kept when the time moves past the gap.
        #expect(
            try fires("15 30 2 * * *", "America/New_York", after: "2024-03-09T12:00:00-05:00", count: 2)
                == ["2024-03-10T03:00:15-04:00", "2024-03-11T02:30:15-04:00"])
        // Every hour: the gap's match is skipped, as croniter does, since 03:30 comes anyway.
        #expect(
            try fires("30 * * * *", "America/New_York", after: "2024-03-10T00:00:00-05:00", count: 3)
                == ["2024-03-10T00:30:00-05:00", "2024-03-10T01:30:00-05:00", "2024-03-10T03:30:00-04:00"])
        // Past 2037 the file's footer rule (second Sunday of March) takes over.
        #expect(
            try fires("30 2 * * *", "America/New_York", after: "2050-03-12T12:00:00-05:00", count: 2)
                == ["2050-03-13T03:00:00-04:00", "2050-03-14T02:30:00-04:00"])
    }

    @Test func newYorkRepeatedHourFiresOnce() throws {
        #expect(
            try fires("30 1 * * *", "America/New_York", after: "2024-11-02T12:00:00-04:00", count: 2)
                == ["2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"])
        #expect(
            try fires("*/20 * * * *", "America/New_York", after: "2024-11-03T01:30:00-04:00", count: 3)
                == ["2024-11-03T01:40:00-04:00", "2024-11-03T02:00:00-05:00", "2024-11-03T02:20:00-05:00"])
        // Starting in the second pass: what is left of the repeated hour already ran.
        #expect(
            try fires("*/20 1 * * *", "America/New_York", after: "2024-11-03T01:10:00-05:00", count: 1)
                == ["2024-11-04T01:00:00-05:00"])
        #expect(
            try fires("0 * * * *", "America/New_York", after: "2024-11-03T00:30:00-04:00", count: 3)
                == ["2024-11-03T01:00:00-04:00", "2024-11-03T02:00:00-05:00", "2024-11-03T03:00:00-05:00"])
    }

    @Test func berlin() throws {
        #expect(
            try fires("0 30 9 * * 1-5", "Europe/Berlin", after: "2024-03-28T12:00:00+01:00", count: 3)
                == ["2024-03-29T09:30:00+01:00", "2024-04-01T09:30:00+02:00", "2024-04-02T09:30:00+02:00"])
        #expect(
            try fires("0 2 * * *", "Europe/Berlin", after: "2024-03-30T12:00:00+01:00", count: 2)
                == ["2024-03-31T03:00:00+02:00", "2024-04-01T02:00:00+02:00"])
        #expect(
            try fires("30 2 * * *", "Europe/Berlin", after: "2024-10-26T12:00:00+02:00", count: 2)
                == ["2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"])
    }

    @Test func lordHoweHalfHourChanges() throws {
        // Spring: 02:00 +10:30 jumps to 02:30 +11:00.
        #expect(
            try fires("0 2 * * *", "Australia/Lord_Howe", after: "2024-10-05T12:00:00+10:30", count: 2)
                == ["2024-10-06T02:30:00+11:00", "2024-10-07T02:00:00+11:00"])
        #expect(
            try fires("15 2 * * *", "Australia/Lord_Howe", after: "2024-10-05T12:00:00+10:30", count: 2)
                == ["2024-10-06T02:30:00+11:00", "2024-10-07T02:15:00+11:00"])
        // Autumn: 02:00 +11:00 falls back to 01:30 +10:30; 01:30–02:00 comes twice, fires once.
        #expect(
            try fires("*/10 1 * * *", "Australia/Lord_Howe", after: "2024-04-07T00:00:00+11:00", count: 7)
                == [
                    "2024-04-07T01:00:00+11:00", "2024-04-07T01:10:00+11:00", "2024-04-07T01:20:00+11:00",
                    "2024-04-07T01:30:00+11:00", "2024-04-07T01:40:00+11:00", "2024-04-07T01:50:00+11:00",
                    "2024-04-08T01:00:00+10:30",
                ])
        #expect(
            try fires("*/20 * * * *", "Australia/Lord_Howe", after: "2024-04-07T01:30:00+11:00", count: 2)
                == ["2024-04-07T01:40:00+11:00", "2024-04-07T02:00:00+10:30"])
    }

    @Test func utcHasNoChanges() throws {
        #expect(
            try fires("30 2 * * *", "UTC", after: "2024-03-10T00:00:00Z", count: 2)
                == ["2024-03-10T02:30:00+00:00", "2024-03-11T02:30:00+00:00"])
        #expect(try CronSchedule(cron: "@daily").timeZone == .utc)
    }

    @Test func offsetsAndChanges() throws {
        let newYork = try CronTimeZone(identifier: "America/New_York")
        let spring = try #require(Timestamp(iso8601: "2024-03-10T07:00:00Z"))
        #expect(newYork.utcOffset(at: Timestamp(microseconds: spring.microseconds - 1)) == -18_000)
        #expect(newYork.utcOffset(at: spring) == -14_400)
        #expect(newYork.transition(after: 1_704_067_200) == UTCOffsetChange(at: 1_710_054_000, before: -18_000, after: -14_400))
        // 2060 (second Sunday of March is the 14th), beyond the listed transitions: from the footer rule.
        #expect(
            newYork.transition(after: 2_840_140_800) == UTCOffsetChange(at: 2_846_473_200, before: -18_000, after: -14_400))
        let lordHowe = try CronTimeZone(identifier: "Australia/Lord_Howe")
        #expect(lordHowe.transition(atOrBefore: 1_712_415_600) == UTCOffsetChange(at: 1_712_415_600, before: 39_600, after: 37_800))
        #expect(lordHowe.localISO8601(Timestamp(microseconds: 1_712_415_600_250_000)) == "2024-04-07T01:30:00.250+10:30")
    }

    @Test func explainShowsZoneAndNextTimes() throws {
        let schedule = try CronSchedule(cron: "0 30 9 * * 1-5", timeZone: "Europe/Berlin")
        #expect(
            schedule.explain(after: try #require(Timestamp(iso8601: "2024-03-28T12:00:00Z")), count: 3)
                == "at second 0, minute 30, hour 9, on Monday through Friday, in Europe/Berlin; next: "
                + "2024-03-29T09:30:00+01:00, 2024-04-01T09:30:00+02:00, 2024-04-02T09:30:00+02:00")
        #expect(schedule.description == "0 30 9 * * 1-5 (Europe/Berlin)")
    }

    @Test func zoneErrors() {
        func reason(_ zone: String) -> String? {
            do {
                _ = try CronSchedule(cron: "0 0 * * *", timeZone: zone)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(
            reason("Mars/Olympus")
                == "timeZone: unknown time zone 'Mars/Olympus'; expected an IANA name such as 'Europe/Berlin' or 'UTC' (looked in /usr/share/zoneinfo)")
        #expect(
            reason("../../etc/passwd")
                == "timeZone: '../../etc/passwd' is not a time zone name; expected an IANA name such as 'Europe/Berlin' or 'UTC'")
        #expect(reason("Etc/UTC") == nil)
        do {
            _ = try CronSchedule(cron: "0 0 * * 9", timeZone: "Mars/Olympus")
            Issue.record("expected an error")
        } catch {
            // The expression is checked first.
            #expect(error.path == "cron")
        }
    }
}

import SluiceCore
import Testing

@testable import SluiceEngine

@Suite("SQLiteStateStore: schedules")
struct ScheduleStoreTests {
    @Test func roundTripUpsertAndCreationOrder() async throws {
        try await withStateStore { store, _ in
            let hourly = ScheduleSpec(
                id: "hourly_sync", name: "Hourly Incremental Sync", cron: "0 * * * *",
                retryPolicy: RetryPolicy(maxRetries: 3, retryDelay: 5000))
            let daily = ScheduleSpec(
                id: "daily_etl", name: "Daily Customer Sync", cron: "0 2 * * *", enabled: false, timeout: 60_000,
                job: try StateFixtures.spec())
            let weekly = ScheduleSpec(id: "a_weekly", name: "Weekly", cron: "@weekly")
            try await store.saveSchedule(hourly)
            try await store.saveSchedule(daily)
            try await store.saveSchedule(weekly)
            #expect(try await store.schedules() == [hourly, daily, weekly])
            #expect(try await store.schedule(id: "daily_etl") == daily)
            #expect(try await store.schedule(id: "nope") == nil)

            // An update replaces the schedule but keeps its place.
            var changed = hourly
            changed.cron = "*/30 * * * *"
            changed.enabled = false
            changed.retryPolicy = RetryPolicy(maxRetries: 1, retryDelay: 10, backoffMultiplier: 1.5)
            try await store.saveSchedule(changed)
            #expect(try await store.schedules() == [changed, daily, weekly])
            #expect(try await store.schedule(id: "hourly_sync") == changed)
        }
    }
}

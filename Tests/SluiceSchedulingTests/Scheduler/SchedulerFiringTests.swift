import SluiceCore
import Testing

@testable import SluiceScheduling

@Suite("Scheduler firing")
struct SchedulerFiringTests {
    @Test func firesExactlyOncePerDueTimeOverManyTicks() async throws {
        let harness = SchedulerHarness(now: afterSeconds(10))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: everyMinute()))
        try await harness.scheduler.start()
        // Ticks of 20 s for 30 minutes: three ticks per due time, only one firing each.
        var now: Int64 = 10
        while now < 30 * 60 {
            now += 20
            harness.clock.advance(to: afterSeconds(now))
            #expect(await harness.waitForRequests(Int(now / 60)))
        }
        // A 5-minute jump fires each of the passed due times once, in order.
        harness.clock.advance(to: afterMinutes(35))
        #expect(await harness.waitForFinished("a", count: 35))
        await settleTasks()
        let requests = await harness.executor.requests
        #expect(requests.map(\.dueTime) == (1...35).map { afterMinutes(Int64($0)) })
        #expect(requests.allSatisfy { $0.trigger == .scheduled && $0.attempt == 1 })
        let runs = await harness.runs("a")
        #expect(runs.count == 35)
        #expect(runs.allSatisfy { $0.status == .completed })
        // The tick that crossed 00:01 was 00:01:10.
        #expect(runs.first?.startedAt == afterSeconds(70))
        #expect(runs.first?.jobId == "job-r1")
        await harness.scheduler.flush()
        #expect(await harness.recorder.lastFireTimes == ["a": afterMinutes(35)])
        #expect(await harness.scheduler.nextFireTime(of: "a") == afterMinutes(36))
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test(arguments: [CatchUpPolicy.none, .latest, .all])
    func catchUpAfterDowntime(policy: CatchUpPolicy) async throws {
        // Last fired at 00:00, back at 00:05:30: 00:01 … 00:05 were missed.
        let harness = SchedulerHarness(now: afterSeconds(330))
        try await harness.scheduler.register(
            ScheduleDefinition(id: "a", fireTimes: everyMinute(), catchUp: policy, lastFireTime: baseTime))
        try await harness.scheduler.start()
        let expected: [Timestamp]
        switch policy {
        case .none: expected = []
        case .latest: expected = [afterMinutes(5)]
        case .all: expected = (1...5).map { afterMinutes(Int64($0)) }
        }
        #expect(await harness.waitForFinished("a", count: expected.count))
        await settleTasks()
        #expect(await harness.executor.requests.map(\.dueTime) == expected)
        #expect(await harness.runs("a").map(\.status) == expected.map { _ in .completed })
        await harness.scheduler.flush()
        #expect(await harness.recorder.lastFireTimes == ["a": afterMinutes(5)])
        #expect(await harness.scheduler.nextFireTime(of: "a") == afterMinutes(6))
        harness.clock.advance(to: afterMinutes(6))
        #expect(await harness.waitForRequests(expected.count + 1))
        #expect(await harness.executor.requests.last?.dueTime == afterMinutes(6))
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func catchUpAllKeepsTheMostRecentUpToTheLimit() async throws {
        let clock = ManualClock(now: afterSeconds(330))
        let executor = ScriptedExecutor()
        let recorder = InMemoryRunRecorder()
        let ids = RunIDs()
        let scheduler = Scheduler(
            clock: clock, executor: executor, recorder: recorder,
            configuration: SchedulerConfiguration(catchUpLimit: 2, makeRunID: { ids.next() }),
            logger: .init(label: "test"))
        try await scheduler.register(
            ScheduleDefinition(id: "a", fireTimes: everyMinute(), catchUp: .all, lastFireTime: baseTime))
        try await scheduler.start()
        #expect(await eventuallyTrue { await executor.requests.count == 2 })
        await settleTasks()
        #expect(await executor.requests.map(\.dueTime) == [afterMinutes(4), afterMinutes(5)])
        await scheduler.shutdown(grace: .seconds(1))
    }

    @Test func scheduleWithoutLastFireTimeStartsFromNow() async throws {
        let harness = SchedulerHarness(now: afterSeconds(330))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: everyMinute()))
        try await harness.scheduler.start()
        await settleTasks()
        #expect(await harness.executor.requests.isEmpty)
        #expect(await harness.scheduler.nextFireTime(of: "a") == afterMinutes(6))
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func manualTriggerRunsNowEvenWhenDisabled() async throws {
        let harness = SchedulerHarness(now: afterSeconds(42))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: everyMinute(), enabled: false))
        await #expect(throws: SchedulerError.notRunning) { try await harness.scheduler.trigger("a") }
        try await harness.scheduler.start()
        let run = try await harness.scheduler.trigger("a")
        #expect(run.id == "r1")
        #expect(run.trigger == .manual)
        #expect(run.dueTime == afterSeconds(42))
        #expect(run.status == .running)
        #expect(await harness.waitForFinished("a", count: 1))
        let records = await harness.runs("a")
        #expect(records.map(\.status) == [.completed])
        #expect(records.first?.startedAt == afterSeconds(42))
        await #expect(throws: SchedulerError.unknownSchedule("zzz")) { try await harness.scheduler.trigger("zzz") }
        // Disabled: the minute passes without a firing.
        harness.clock.advance(to: afterMinutes(2))
        await settleTasks()
        #expect(await harness.executor.requests.count == 1)
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func disableStopsAndEnableResumesWithoutCatchingUp() async throws {
        let harness = SchedulerHarness(now: afterSeconds(10))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: everyMinute()))
        try await harness.scheduler.start()
        harness.clock.advance(to: afterMinutes(1))
        #expect(await harness.waitForFinished("a", count: 1))
        try await harness.scheduler.setEnabled("a", false)
        harness.clock.advance(to: afterMinutes(3))
        await settleTasks()
        #expect(await harness.executor.requests.count == 1)
        try await harness.scheduler.setEnabled("a", true)
        #expect(await harness.scheduler.nextFireTime(of: "a") == afterMinutes(4))
        harness.clock.advance(to: afterMinutes(4))
        #expect(await harness.waitForFinished("a", count: 2))
        #expect(await harness.executor.requests.map(\.dueTime) == [afterMinutes(1), afterMinutes(4)])
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func cronTypesProvideFireTimes() throws {
        let expression: any FireTimes = try CronExpression("*/5 * * * *")
        #expect(expression.nextFireTime(after: afterSeconds(1)) == afterMinutes(5))
        let schedule: any FireTimes = try CronSchedule(cron: "0 * * * *")
        #expect(schedule.nextFireTime(after: afterMinutes(5)) == afterMinutes(60))
    }
}

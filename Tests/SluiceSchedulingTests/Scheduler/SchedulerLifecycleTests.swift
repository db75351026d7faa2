import SluiceCore
import Testing

@testable import SluiceScheduling

@Suite("Scheduler lifecycle")
struct SchedulerLifecycleTests {
    @Test func shutdownLetsARunningJobFinishWithinTheGracePeriod() async throws {
        let harness = SchedulerHarness(now: afterSeconds(10), executor: ScriptedExecutor(["a": [.block]]))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: everyMinute()))
        try await harness.scheduler.start()
        harness.clock.advance(to: afterMinutes(1))
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r1") })
        let scheduler = harness.scheduler
        let stopping = Task { await scheduler.shutdown(grace: .seconds(600)) }
        #expect(await harness.waitForSleeper(at: afterMinutes(11)))
        // No new firing once shutdown began, even when a fire time passes.
        harness.clock.advance(to: afterSeconds(119))
        harness.clock.advance(to: afterSeconds(120))
        await settleTasks()
        #expect(await harness.executor.requests.count == 1)
        await harness.executor.release("r1")
        await stopping.value
        #expect(await harness.runs("a").map(\.status) == [.completed])
        #expect(await harness.executor.cancelled.isEmpty)
        await #expect(throws: SchedulerError.notRunning) { try await scheduler.trigger("a") }
    }

    @Test func shutdownCancelsRunsAfterTheGracePeriodAndARestartRetriesThem() async throws {
        let recorder = InMemoryRunRecorder()
        let harness = SchedulerHarness(executor: ScriptedExecutor(["a": [.block]]), recorder: recorder)
        let definition = ScheduleDefinition(
            id: "a", fireTimes: nil, retry: ScheduleRetry(maxRetries: 1, delay: .seconds(10)))
        try await harness.scheduler.register(definition)
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r1") })
        let scheduler = harness.scheduler
        let stopping = Task { await scheduler.shutdown(grace: .seconds(30)) }
        #expect(await harness.waitForSleeper(at: afterSeconds(30)))
        harness.clock.advance(to: afterSeconds(30))
        await stopping.value
        #expect(await harness.executor.cancelled == ["r1"])
        let runs = await recorder.runs
        #expect(runs.map(\.status) == [.failed, .queued])
        #expect(runs.first?.reason == "cancelled by shutdown: still running when the grace period of 30s ran out")
        #expect(runs.first?.endedAt == afterSeconds(30))
        #expect(runs.last?.attempt == 2)
        #expect(runs.last?.notBefore == afterSeconds(40))

        // The next process picks the queued retry up.
        let next = SchedulerHarness(now: afterSeconds(100), recorder: recorder)
        try await next.scheduler.register(definition)
        try await next.scheduler.start()
        #expect(await next.waitForRequests(1))
        #expect(await next.waitForFinished("a", count: 2))
        let request = try #require(await next.executor.requests.first)
        #expect(request.runId == "r2")
        #expect(request.attempt == 2)
        #expect(request.trigger == .retry)
        #expect(request.dueTime == baseTime)
        #expect(await recorder.runs.map(\.status) == [.failed, .completed])
        await next.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func runsInterruptedByACrashAreMarkedFailedAndRetried() async throws {
        let interrupted = RunRecord(
            id: "old1", scheduleId: "a", trigger: .scheduled, dueTime: baseTime, attempt: 1, status: .running,
            createdAt: baseTime, startedAt: baseTime)
        let orphan = RunRecord(
            id: "old2", scheduleId: "gone", trigger: .manual, dueTime: baseTime, attempt: 1, status: .running,
            createdAt: baseTime, startedAt: baseTime)
        let recorder = InMemoryRunRecorder(runs: [interrupted, orphan], lastFireTimes: ["a": baseTime])
        let harness = SchedulerHarness(now: afterSeconds(10), recorder: recorder)
        try await harness.scheduler.register(
            ScheduleDefinition(
                id: "a", fireTimes: CronExpression("@hourly"), retry: ScheduleRetry(maxRetries: 2, delay: .seconds(5)),
                lastFireTime: baseTime))
        try await harness.scheduler.start()
        #expect(await eventuallyTrue { await recorder.runs.count == 3 })
        await harness.scheduler.flush()
        var runs = await recorder.runs
        #expect(runs.map(\.id) == ["old1", "old2", "r1"])
        #expect(runs.map(\.status) == [.failed, .failed, .queued])
        #expect(runs[0].reason == "interrupted by a restart")
        #expect(runs[0].endedAt == afterSeconds(10))
        #expect(runs[1].reason == "schedule 'gone' no longer exists")
        #expect(runs[2].notBefore == afterSeconds(15))
        #expect(await harness.waitForSleeper(at: afterSeconds(15)))
        harness.clock.advance(to: afterSeconds(15))
        #expect(await harness.waitForFinished("a", count: 2))
        runs = await harness.runs("a")
        #expect(runs.map(\.status) == [.failed, .completed])
        #expect(runs.map(\.attempt) == [1, 2])
        #expect(runs.map(\.trigger) == [.scheduled, .retry])
        #expect(runs.map(\.dueTime) == [baseTime, baseTime])
        #expect(runs.map(\.startedAt) == [baseTime, afterSeconds(15)])
        // Nothing was missed (the next hourly time is still ahead), so nothing else ran.
        #expect(await harness.executor.requests.count == 1)
        #expect(await harness.scheduler.nextFireTime(of: "a") == afterMinutes(60))
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func removingAScheduleSkipsItsQueuedRuns() async throws {
        let harness = SchedulerHarness(executor: ScriptedExecutor(["a": [.block]]))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: nil, overlap: .queue))
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        let queued = try await harness.scheduler.trigger("a")
        #expect(queued.status == .queued)
        try await harness.scheduler.remove("a")
        #expect(await harness.scheduler.queue().isEmpty)
        await harness.executor.release("r1")
        #expect(await harness.waitForFinished("a", count: 2))
        let runs = await harness.runs("a")
        #expect(runs.map(\.status) == [.completed, .skipped])
        #expect(runs[1].reason == "schedule 'a' was deleted before the run started")
        #expect(await harness.scheduler.scheduleIds().isEmpty)
        await harness.scheduler.shutdown(grace: .seconds(1))
    }
}

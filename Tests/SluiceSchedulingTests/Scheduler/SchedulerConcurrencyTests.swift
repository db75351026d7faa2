import SluiceCore
import Testing

@testable import SluiceScheduling

@Suite("Scheduler concurrency")
struct SchedulerConcurrencyTests {
    @Test func overlapSkipRecordsTheSkippedFiring() async throws {
        let harness = SchedulerHarness(executor: ScriptedExecutor(["a": [.block]]))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: everyMinute(), overlap: .skip))
        try await harness.scheduler.start()
        harness.clock.advance(to: afterMinutes(1))
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r1") })
        harness.clock.advance(to: afterMinutes(2))
        #expect(await harness.waitForFinished("a", count: 1))
        await harness.executor.release("r1")
        #expect(await harness.waitForFinished("a", count: 2))
        harness.clock.advance(to: afterMinutes(3))
        #expect(await harness.waitForFinished("a", count: 3))
        let runs = await harness.runs("a")
        #expect(runs.map(\.id) == ["r1", "r2", "r3"])
        #expect(runs.map(\.dueTime) == [afterMinutes(1), afterMinutes(2), afterMinutes(3)])
        #expect(runs.map(\.status) == [.completed, .skipped, .completed])
        #expect(runs[1].reason == "the previous run is still in progress (overlap policy skip)")
        #expect(runs[1].endedAt == afterMinutes(2))
        #expect(runs[1].startedAt == nil)
        #expect(await harness.executor.requests.map(\.dueTime) == [afterMinutes(1), afterMinutes(3)])
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func overlapQueueWaitsVisiblyAndRunsInOrder() async throws {
        let harness = SchedulerHarness(executor: ScriptedExecutor(["a": [.block, .block, .succeed]]))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: everyMinute(), overlap: .queue))
        try await harness.scheduler.start()
        harness.clock.advance(to: afterMinutes(1))
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r1") })
        harness.clock.advance(to: afterMinutes(2))
        harness.clock.advance(to: afterMinutes(3))
        #expect(await eventuallyTrue { await harness.scheduler.queue().count == 2 })
        let queued = await harness.scheduler.queue()
        #expect(queued.map(\.id) == ["r2", "r3"])
        #expect(queued.map(\.dueTime) == [afterMinutes(2), afterMinutes(3)])
        #expect(queued.map(\.status) == [.queued, .queued])
        #expect(await harness.scheduler.activeRuns().map(\.id) == ["r1"])
        harness.clock.advance(to: afterSeconds(200))
        await harness.executor.release("r1")
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r2") })
        #expect(await harness.scheduler.queue().map(\.id) == ["r3"])
        await harness.executor.release("r2")
        #expect(await harness.waitForFinished("a", count: 3))
        let runs = await harness.runs("a")
        #expect(runs.map(\.status) == [.completed, .completed, .completed])
        #expect(runs.map(\.startedAt) == [afterMinutes(1), afterSeconds(200), afterSeconds(200)])
        #expect(await harness.scheduler.queue().isEmpty)
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func overlapAllowRunsSideBySideUpToMaxConcurrent() async throws {
        let harness = SchedulerHarness(executor: ScriptedExecutor(["a": [.block, .block, .block]]))
        try await harness.scheduler.register(
            ScheduleDefinition(id: "a", fireTimes: everyMinute(), maxConcurrent: 2, overlap: .allow))
        try await harness.scheduler.start()
        harness.clock.advance(to: afterMinutes(1))
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r1") })
        harness.clock.advance(to: afterMinutes(2))
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r2") })
        harness.clock.advance(to: afterMinutes(3))
        #expect(await eventuallyTrue { await harness.scheduler.queue().map(\.id) == ["r3"] })
        #expect(await harness.scheduler.activeRuns().map(\.id) == ["r1", "r2"])
        await harness.executor.release("r2")
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r3") })
        #expect(await harness.scheduler.activeRuns().map(\.id) == ["r1", "r3"])
        await harness.executor.release("r1")
        await harness.executor.release("r3")
        #expect(await harness.waitForFinished("a", count: 3))
        #expect(await harness.runs("a").map(\.startedAt) == [afterMinutes(1), afterMinutes(2), afterMinutes(3)])
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func globalLimitQueuesRunsOfOtherSchedules() async throws {
        let executor = ScriptedExecutor(["a": [.block], "b": [.block], "c": [.block]])
        let harness = SchedulerHarness(executor: executor, maxConcurrentJobs: 2)
        for id in ["a", "b", "c"] {
            try await harness.scheduler.register(ScheduleDefinition(id: id, fireTimes: nil))
        }
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        try await harness.scheduler.trigger("b")
        let third = try await harness.scheduler.trigger("c")
        #expect(third.status == .queued)
        #expect(await harness.scheduler.activeRuns().map(\.scheduleId) == ["a", "b"])
        #expect(await harness.scheduler.queue().map(\.scheduleId) == ["c"])
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r2") })
        harness.clock.advance(to: afterSeconds(5))
        await harness.executor.release("r2")
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r3") })
        #expect(await harness.scheduler.activeRuns().map(\.scheduleId) == ["a", "c"])
        #expect(await harness.scheduler.queue().isEmpty)
        #expect(await harness.runs("c").first?.startedAt == afterSeconds(5))
        await harness.executor.release("r1")
        await harness.executor.release("r3")
        #expect(await harness.waitForFinished("c", count: 1))
        await harness.scheduler.shutdown(grace: .seconds(1))
    }
}

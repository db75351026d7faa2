import SluiceCore
import Testing

@testable import SluiceScheduling

@Suite("Scheduler dependencies")
struct SchedulerDependencyTests {
    @Test func cycleDetection() {
        #expect(DependencyGraph.cycle(in: ["a": ["b"], "b": ["c"], "c": ["a"]]) == ["a", "b", "c", "a"])
        #expect(DependencyGraph.cycle(in: ["x": ["x"]]) == ["x", "x"])
        #expect(DependencyGraph.cycle(in: ["a": [], "b": ["a"], "c": ["a", "b"], "d": ["c", "b"]]) == nil)
        #expect(DependencyGraph.cycle(in: ["a": ["b"], "b": [], "c": ["d"], "d": ["e"], "e": ["c"]]) == ["c", "d", "e", "c"])
        #expect(DependencyGraph.cycle(in: [:]) == nil)
    }

    @Test func registrationRefusesCyclesUnknownUpstreamsAndRemovingAnUpstream() async throws {
        let harness = SchedulerHarness()
        let scheduler = harness.scheduler
        try await scheduler.register(ScheduleDefinition(id: "a", fireTimes: nil))
        try await scheduler.register(ScheduleDefinition(id: "b", fireTimes: nil, dependsOn: ["a"]))
        await #expect(throws: SchedulerError.dependencyCycle(["a", "b", "a"])) {
            try await scheduler.update(ScheduleDefinition(id: "a", fireTimes: nil, dependsOn: ["b"]))
        }
        await #expect(throws: SchedulerError.dependencyCycle(["c", "c"])) {
            try await scheduler.register(ScheduleDefinition(id: "c", fireTimes: nil, dependsOn: ["c"]))
        }
        await #expect(throws: SchedulerError.unknownDependency(scheduleId: "c", dependency: "zzz")) {
            try await scheduler.register(ScheduleDefinition(id: "c", fireTimes: nil, dependsOn: ["zzz"]))
        }
        await #expect(throws: SchedulerError.duplicateSchedule("a")) {
            try await scheduler.register(ScheduleDefinition(id: "a", fireTimes: nil))
        }
        await #expect(throws: SchedulerError.hasDependents(scheduleId: "a", dependents: ["b"])) {
            try await scheduler.remove("a")
        }
        await #expect(
            throws: SchedulerError.invalidSetting(scheduleId: "d", field: "retryPolicy.jitter", reason: "must be between 0 and 1, got 2.0")
        ) {
            try await scheduler.register(
                ScheduleDefinition(id: "d", fireTimes: nil, retry: ScheduleRetry(maxRetries: 1, delay: .zero, jitter: 2)))
        }
        // Upstreams may come after their downstreams within one batch.
        try await scheduler.register(contentsOf: [
            ScheduleDefinition(id: "y", fireTimes: nil, dependsOn: ["x"]), ScheduleDefinition(id: "x", fireTimes: nil),
        ])
        #expect(await scheduler.scheduleIds() == ["a", "b", "x", "y"])
        #expect(
            SchedulerError.dependencyCycle(["a", "b", "a"]).description == "dependsOn would form a cycle: a -> b -> a")
    }

    @Test func downstreamRunsAfterAllUpstreamsSucceedForTheSameDueTime() async throws {
        let harness = SchedulerHarness()
        try await harness.scheduler.register(contentsOf: [
            ScheduleDefinition(id: "a", fireTimes: everyMinute()),
            ScheduleDefinition(id: "b", fireTimes: everyMinute()),
            ScheduleDefinition(id: "c", fireTimes: everyMinute(), dependsOn: ["a", "b"]),
        ])
        try await harness.scheduler.start()
        #expect(await harness.scheduler.nextFireTime(of: "c") == nil)
        harness.clock.advance(to: afterMinutes(1))
        #expect(await harness.waitForFinished("c", count: 1))
        harness.clock.advance(to: afterMinutes(2))
        #expect(await harness.waitForFinished("c", count: 2))
        await settleTasks()
        let runs = await harness.runs("c")
        #expect(runs.map(\.trigger) == [.dependency, .dependency])
        #expect(runs.map(\.dueTime) == [afterMinutes(1), afterMinutes(2)])
        #expect(runs.map(\.status) == [.completed, .completed])
        let requests = await harness.executor.requests
        #expect(requests.count == 6)
        // c starts only after both a and b of the same minute.
        for due in [afterMinutes(1), afterMinutes(2)] {
            let order = requests.filter { $0.dueTime == due }.map(\.scheduleId)
            #expect(order.last == "c")
            #expect(Set(order) == ["a", "b", "c"])
        }
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func failedUpstreamSkipsDownstreamsWithTheReason() async throws {
        let executor = ScriptedExecutor(["b": [.fail("source unreachable")]])
        let harness = SchedulerHarness(executor: executor)
        try await harness.scheduler.register(contentsOf: [
            ScheduleDefinition(id: "a", fireTimes: everyMinute()),
            ScheduleDefinition(id: "b", fireTimes: everyMinute()),
            ScheduleDefinition(id: "c", fireTimes: nil, dependsOn: ["a", "b"]),
            ScheduleDefinition(id: "d", fireTimes: nil, dependsOn: ["c"]),
        ])
        try await harness.scheduler.start()
        harness.clock.advance(to: afterMinutes(1))
        #expect(await harness.waitForFinished("d", count: 1))
        await settleTasks()
        let c = await harness.runs("c")
        #expect(c.map(\.status) == [.skipped])
        #expect(c.first?.reason == "upstream 'b' failed for this due time")
        #expect(c.first?.dueTime == afterMinutes(1))
        #expect(c.first?.trigger == .dependency)
        let d = await harness.runs("d")
        #expect(d.map(\.status) == [.skipped])
        #expect(d.first?.reason == "upstream 'c' was skipped for this due time")
        #expect(await harness.executor.requests.map(\.scheduleId).sorted() == ["a", "b"])
        // The next minute both succeed, so both downstreams run.
        harness.clock.advance(to: afterMinutes(2))
        #expect(await harness.waitForFinished("d", count: 2))
        #expect(await harness.runs("d").map(\.status) == [.skipped, .completed])
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func downstreamWaitsForTheUpstreamsRetries() async throws {
        let executor = ScriptedExecutor(["a": [.fail("flaky")]])
        let harness = SchedulerHarness(executor: executor)
        try await harness.scheduler.register(contentsOf: [
            ScheduleDefinition(id: "a", fireTimes: nil, retry: ScheduleRetry(maxRetries: 1, delay: .seconds(3))),
            ScheduleDefinition(id: "b", fireTimes: nil, dependsOn: ["a"]),
        ])
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        #expect(await harness.waitForSleeper(at: afterSeconds(3)))
        await settleTasks()
        #expect(await harness.runs("b").isEmpty)
        harness.clock.advance(to: afterSeconds(3))
        #expect(await harness.waitForFinished("b", count: 1))
        let b = await harness.runs("b")
        #expect(b.map(\.status) == [.completed])
        #expect(b.first?.dueTime == baseTime)
        #expect(b.first?.startedAt == afterSeconds(3))
        await harness.scheduler.shutdown(grace: .seconds(1))
    }
}

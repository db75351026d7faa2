import SluiceCore
import Testing

@testable import SluiceScheduling

@Suite("Scheduler retries and timeouts")
struct SchedulerRetryTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        var generator = SplitMix64(seed: 1_234_567)
        #expect([generator.next(), generator.next(), generator.next()] == [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
        ])
    }

    @Test func backoffDelaysWithoutJitter() {
        let policy = ScheduleRetry(maxRetries: 5, delay: .seconds(10), backoffMultiplier: 2, maxDelay: .seconds(25))
        var random = SplitMix64(seed: 1)
        let delays = (1...4).map { policy.delayMicroseconds(afterAttempt: $0, random: &random) }
        #expect(delays == [10_000_000, 20_000_000, 25_000_000, 25_000_000])
        let uncapped = ScheduleRetry(maxRetries: 5, delay: .milliseconds(1500), backoffMultiplier: 3)
        #expect((1...3).map { uncapped.delayMicroseconds(afterAttempt: $0, random: &random) } == [1_500_000, 4_500_000, 13_500_000])
    }

    @Test func backoffDelaysWithSeededJitter() {
        // u = 0.3500795…, 0.1736440…, 0.5322073… from the seed; factor = 1 + 0.5 × (2u − 1).
        let policy = ScheduleRetry(
            maxRetries: 5, delay: .seconds(10), backoffMultiplier: 2, maxDelay: .seconds(25), jitter: 0.5)
        var random = SplitMix64(seed: 1_234_567)
        let delays = (1...3).map { policy.delayMicroseconds(afterAttempt: $0, random: &random) }
        #expect(delays == [8_500_795, 13_472_882, 25_805_183])
    }

    @Test func retriesWithExactDelaysUntilSuccess() async throws {
        let executor = ScriptedExecutor(["a": [.fail("e1"), .fail("e2"), .fail("e3"), .succeed]])
        let harness = SchedulerHarness(executor: executor)
        let retry = ScheduleRetry(maxRetries: 3, delay: .seconds(10), backoffMultiplier: 2, maxDelay: .seconds(25))
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: nil, retry: retry))
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        for (retryAt, count) in [(afterSeconds(10), 1), (afterSeconds(30), 2), (afterSeconds(55), 3)] {
            #expect(await harness.waitForSleeper(at: retryAt))
            #expect(await harness.scheduler.queue().map(\.notBefore) == [retryAt])
            harness.clock.advance(to: Timestamp(microseconds: retryAt.microseconds - 1))
            await settleTasks()
            #expect(await harness.executor.requests.count == count)
            harness.clock.advance(to: retryAt)
            #expect(await harness.waitForRequests(count + 1))
        }
        #expect(await harness.waitForFinished("a", count: 4))
        let runs = await harness.runs("a")
        #expect(runs.map(\.attempt) == [1, 2, 3, 4])
        #expect(runs.map(\.trigger) == [.manual, .retry, .retry, .retry])
        #expect(runs.map(\.status) == [.failed, .failed, .failed, .completed])
        #expect(runs.map(\.reason) == ["e1", "e2", "e3", nil])
        #expect(runs.map(\.dueTime) == [baseTime, baseTime, baseTime, baseTime])
        #expect(runs.map(\.startedAt) == [baseTime, afterSeconds(10), afterSeconds(30), afterSeconds(55)])
        #expect(runs.map(\.notBefore) == [nil, afterSeconds(10), afterSeconds(30), afterSeconds(55)])
        #expect(await harness.executor.requests.map(\.attempt) == [1, 2, 3, 4])
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func stopsAfterMaxRetries() async throws {
        let executor = ScriptedExecutor(["a": [.fail("e1"), .fail("e2"), .fail("e3")]])
        let harness = SchedulerHarness(executor: executor)
        try await harness.scheduler.register(
            ScheduleDefinition(id: "a", fireTimes: nil, retry: ScheduleRetry(maxRetries: 1, delay: .seconds(1))))
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        #expect(await harness.waitForSleeper(at: afterSeconds(1)))
        harness.clock.advance(to: afterSeconds(1))
        #expect(await harness.waitForFinished("a", count: 2))
        await settleTasks()
        #expect(await harness.runs("a").map(\.status) == [.failed, .failed])
        #expect(await harness.scheduler.queue().isEmpty)
        #expect(await harness.executor.requests.count == 2)
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func retryDelaysUseTheSeededJitter() async throws {
        let executor = ScriptedExecutor(["a": [.fail("e1"), .fail("e2"), .succeed]])
        let harness = SchedulerHarness(executor: executor, jitterSeed: 1_234_567)
        let retry = ScheduleRetry(maxRetries: 2, delay: .seconds(10), backoffMultiplier: 2, jitter: 0.5)
        try await harness.scheduler.register(ScheduleDefinition(id: "a", fireTimes: nil, retry: retry))
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        let first = Timestamp(microseconds: baseTime.microseconds + 8_500_795)
        #expect(await harness.waitForSleeper(at: first))
        harness.clock.advance(to: first)
        let second = Timestamp(microseconds: first.microseconds + 13_472_882)
        #expect(await harness.waitForSleeper(at: second))
        harness.clock.advance(to: second)
        #expect(await harness.waitForFinished("a", count: 3))
        #expect(await harness.runs("a").map(\.startedAt) == [baseTime, first, second])
        await harness.scheduler.shutdown(grace: .seconds(1))
    }

    @Test func timeoutCancelsTheRunAndRecordsTimedOut() async throws {
        let executor = ScriptedExecutor(["a": [.block, .succeed]])
        let harness = SchedulerHarness(executor: executor)
        try await harness.scheduler.register(
            ScheduleDefinition(
                id: "a", fireTimes: nil, retry: ScheduleRetry(maxRetries: 1, delay: .seconds(5)), timeout: .seconds(30)))
        try await harness.scheduler.start()
        try await harness.scheduler.trigger("a")
        #expect(await eventuallyTrue { await harness.executor.isBlocked("r1") })
        #expect(await harness.waitForSleeper(at: afterSeconds(30)))
        harness.clock.advance(to: afterSeconds(29))
        await settleTasks()
        #expect(await harness.executor.isBlocked("r1"))
        harness.clock.advance(to: afterSeconds(30))
        #expect(await harness.waitForFinished("a", count: 1))
        #expect(await harness.executor.cancelled == ["r1"])
        let timedOut = try #require(await harness.runs("a").first)
        #expect(timedOut.status == .timedOut)
        #expect(timedOut.reason == "timed out after 30s")
        #expect(timedOut.endedAt == afterSeconds(30))
        #expect(timedOut.jobId == nil)
        // Timed-out runs are retried by policy.
        #expect(await harness.waitForSleeper(at: afterSeconds(35)))
        harness.clock.advance(to: afterSeconds(35))
        #expect(await harness.waitForFinished("a", count: 2))
        #expect(await harness.runs("a").map(\.status) == [.timedOut, .completed])
        await harness.scheduler.shutdown(grace: .seconds(1))
    }
}

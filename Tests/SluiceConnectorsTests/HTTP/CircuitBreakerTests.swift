@testable import SluiceConnectors
import Testing

/// The breaker's states on a clock the test sets.
@Suite struct CircuitBreakerTests {
    @Test func opensAfterTheThresholdProbesOnceAndClosesOrReopens() throws {
        let breaker = CircuitBreaker(endpoint: "api.example.com:443", settings: .init(failureThreshold: 3, cooldownMs: 10_000))
        let t0 = 1_800_000_000.0
        #expect(try breaker.admit(now: t0) == .allowed)
        breaker.recordFailure("boom 1", now: t0)
        breaker.recordFailure("boom 2", now: t0)
        // A success in between starts the count again.
        breaker.recordSuccess()
        breaker.recordFailure("boom 3", now: t0)
        breaker.recordFailure("boom 4", now: t0)
        #expect(breaker.snapshot.state == .closed)
        breaker.recordFailure("boom 5", now: t0 + 1)
        #expect(breaker.snapshot == .init(endpoint: "api.example.com:443", state: .open, consecutiveFailures: 3, openUntil: t0 + 11, lastError: "boom 5"))
        #expect(throws: CircuitOpen(endpoint: "api.example.com:443", until: t0 + 11, failures: 3, lastError: "boom 5")) { try breaker.admit(now: t0 + 10.9) }
        #expect(
            "\(CircuitOpen(endpoint: "api.example.com:443", until: t0 + 11, failures: 3, lastError: "boom 5"))"
                == "circuit open for api.example.com:443 until 08:00:11Z after 3 failures: boom 5")
        // One probe after the cooldown; others still fail fast while it is out.
        #expect(try breaker.admit(now: t0 + 11) == .probe)
        #expect(breaker.snapshot.state == .halfOpen)
        #expect(throws: CircuitOpen.self) { try breaker.admit(now: t0 + 11) }
        breaker.recordFailure("boom 6", now: t0 + 12)
        #expect(breaker.snapshot.state == .open)
        #expect(breaker.snapshot.openUntil == t0 + 22)
        #expect(try breaker.admit(now: t0 + 22) == .probe)
        breaker.recordSuccess()
        #expect(breaker.snapshot == .init(endpoint: "api.example.com:443", state: .closed, consecutiveFailures: 0, openUntil: nil, lastError: nil))
        #expect(try breaker.admit(now: t0 + 22) == .allowed)
    }

    @Test func aCancelledProbeLetsTheNextCallProbe() throws {
        let breaker = CircuitBreaker(endpoint: "db:5432", settings: .init(failureThreshold: 1, cooldownMs: 0))
        breaker.recordFailure("refused", now: 100)
        #expect(try breaker.admit(now: 100) == .probe)
        breaker.releaseProbe()
        #expect(try breaker.admit(now: 100) == .probe)
    }
}

/// The token bucket and the pauses servers ask for, on a clock the test sets.
@Suite struct RateLimiterTests {
    @Test func aBurstThenTheSteadyPace() {
        let limiter = RateLimiter(host: "h:80", settings: .init(requestsPerSecond: 2, burst: 3))
        let t0 = 1000.0
        #expect((0..<5).map { _ in limiter.reserve(now: t0) } == [0, 0, 0, 0.5, 1.0])
        // The debt of two tokens is paid after a second; two seconds later one is to spare.
        #expect(limiter.reserve(now: t0 + 1) == 0.5)
        #expect(limiter.reserve(now: t0 + 3) == 0)
        // A long quiet spell fills the bucket, never past the burst.
        #expect((0..<4).map { _ in limiter.reserve(now: t0 + 100) } == [0, 0, 0, 0.5])
    }

    @Test func aPauseHoldsEveryRequestUntilItEnds() {
        let limiter = RateLimiter(host: "h:80")
        #expect(limiter.reserve(now: 10) == 0)
        limiter.pause(until: 15)
        #expect(limiter.reserve(now: 11) == 4)
        limiter.pause(until: 12)  // an earlier end does not shorten the pause
        #expect(limiter.reserve(now: 13) == 2)
        #expect(limiter.reserve(now: 15) == 0)
        #expect(limiter.pausedUntil(now: 15) == nil)
    }

    @Test func theConcurrencyCapQueuesAndCancelledWaitersLeave() async throws {
        let limiter = RateLimiter(host: "h:80", settings: .init(maxConcurrent: 2))
        try await limiter.acquire()
        try await limiter.acquire()
        #expect(limiter.inFlight == 2)
        let waiter = Task { try await limiter.acquire() }
        let cancelled = Task { try await limiter.acquire() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        limiter.release()
        try await waiter.value
        #expect(limiter.inFlight == 2)
        limiter.release()
        limiter.release()
        #expect(limiter.inFlight == 0)
    }
}

/// Backoff ceilings and the waits servers ask for.
@Suite struct NetworkRetryPolicyTests {
    @Test func fullJitterUnderADoublingCeiling() {
        let policy = NetworkRetryPolicy(maxRetries: 5, retryDelayMs: 100, maxDelayMs: 700)
        #expect((0..<5).map { policy.ceilingSeconds(attempt: $0) } == [0.1, 0.2, 0.4, 0.7, 0.7])
        #expect(policy.delaySeconds(attempt: 2, random: 0.5) == 0.2)
        #expect(policy.delaySeconds(attempt: 2, random: 7) == 0.4)
        #expect(policy.honoured(retryAfterSeconds: 120) == 0.7)
        #expect(NetworkRetryPolicy(config: nil) == .standard)
        #expect(NetworkRetryPolicy(config: .init(maxRetries: 0)) == NetworkRetryPolicy(maxRetries: 0, retryDelayMs: 500, maxDelayMs: 30_000))
    }
}

import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// Retries, waits the server asks for, timeouts and the circuit breaker, against the stand-in
/// API. Waits run on a manual clock (see ``ManualClock``): each is recorded and passes at once.
@Suite struct APIResilienceTests {
    /// No backoff: the waits recorded are the server's alone.
    static let immediate: Value = ["maxRetries": 3, "retryDelay": 0, "maxDelay": 60_000]

    @Test func transientFailuresAreRetriedAndGiveUpWithTheServersMessage() async throws {
        let server = try await LoopbackServer.api()
        let read = try await APITest.read([
            "url": .string("\(server.base)/flaky?n=25&fail=2"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "pageSize": 10],
            "retry": Self.immediate,
        ])
        #expect(read.ids == Array(1...25))
        #expect(try await server.requests().log.map { $0.query["page"] ?? "1" } == ["1", "1", "1", "2", "2", "2", "3", "3", "3"])
        try await server.reset()
        let failure = await APITest.failure {
            _ = try await APITest.read(["url": .string("\(server.base)/flaky?fail=9"), "retry": ["maxRetries": 2, "retryDelay": 1]])
        }
        #expect(failure == #"api:\#(server.base)/flaky answered HTTP 503 Service Unavailable: {"error": "try again"} (after 3 attempts)"#)
        #expect(try await server.requests().log.count == 3)
    }

    @Test func aClientErrorIsNotRetried() async throws {
        let server = try await LoopbackServer.api()
        let failure = await APITest.failure { _ = try await APITest.read(["url": .string("\(server.base)/notfound"), "retry": Self.immediate]) }
        #expect(failure == #"api:\#(server.base)/notfound answered HTTP 404 Not Found: {"error": "no such collection"}"#)
        #expect(try await server.requests().log.count == 1)
    }

    @Test func retryAfterInSecondsOrAsADateIsHonoured() async throws {
        let server = try await LoopbackServer.api()
        let clock = ManualClock()
        _ = try await APITest.read(
            ["url": .string("\(server.base)/ratelimited?n=20&retry_after=3"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "pageSize": 10], "retry": Self.immediate],
            resources: try APITest.resources(clock: clock))
        // Page 2 is full, so page 3 (empty) is asked for too: each refused once.
        #expect(clock.sleeps == [3, 3, 3])
        #expect(try await server.requests().log.map { $0.query["page"] ?? "1" } == ["1", "1", "2", "2", "3", "3"])
        // A date two seconds ahead (the server's clock): waited for, at most maxDelay. The
        // manual clock stands still at its start while the server's moves on, so the wait may
        // also hold the real time the read took to reach the server.
        let start = Double(Timestamp.now().microseconds) / 1_000_000
        let dated = ManualClock(now: start)
        try await server.reset()
        let read = try await APITest.read(
            ["url": .string("\(server.base)/ratelimited?n=5&retry_after=date"), "retry": ["maxRetries": 1, "retryDelay": 0, "maxDelay": 5000]],
            resources: try APITest.resources(clock: dated))
        #expect(read.ids == [1, 2, 3, 4, 5])
        #expect(dated.sleeps.count == 1)
        let elapsed = Double(Timestamp.now().microseconds) / 1_000_000 - start
        #expect((dated.sleeps.first ?? 0) > 0.5 && (dated.sleeps.first ?? 0) <= min(5, elapsed + 3))
    }

    @Test func anExhaustedRateLimitWindowPausesUntilItsReset() async throws {
        let server = try await LoopbackServer.api()
        let clock = ManualClock()
        let read = try await APITest.read(
            ["url": .string("\(server.base)/window?n=65"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "pageSize": 10]],
            resources: try APITest.resources(clock: clock))
        #expect(read.ids == Array(1...65))
        // Pages 3 and 6 say no request remains until the window resets in a second.
        #expect(clock.sleeps == [1, 1])
    }

    @Test func theRateLimiterPacesRequestsToTheHost() async throws {
        let server = try await LoopbackServer.api()
        let clock = ManualClock()
        _ = try await APITest.read(
            [
                "url": .string("\(server.base)/page?n=100"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "pageSize": 10],
                "rateLimit": ["requestsPerSecond": 4, "burst": 2],
            ],
            resources: try APITest.resources(clock: clock))
        // Two go at once; the other nine wait a quarter second each (the clock stands still
        // between requests).
        #expect(clock.sleeps == Array(repeating: 0.25, count: 9))
    }

    /// The one test on the real clock: the server's arrival times of paced requests.
    @Test func pacedRequestsArriveAtTheConfiguredRate() async throws {
        let server = try await LoopbackServer.api()
        _ = try await APITest.read([
            "url": .string("\(server.base)/page?n=200"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "pageSize": 10],
            "rateLimit": ["requestsPerSecond": 20, "burst": 1],
        ])
        let times = try await server.requests().log.map(\.time)
        #expect(times.count == 21)
        // 20 gaps of 50 ms: at least 0.8 s from first to last, allowing for scheduling jitter.
        #expect((times.last ?? 0) - (times.first ?? 0) >= 0.8)
    }

    /// A page that stalls or is cut short is fetched again. (A single answer without
    /// pagination is streamed: once its records have gone on, a failure mid-way fails the read.)
    @Test func aStalledSlowOrCutAnswerIsRetried() async throws {
        let server = try await LoopbackServer.api()
        let stalled = try await APITest.read([
            "url": .string("\(server.base)/stall?stalls=1&seconds=20"), "timeoutMs": 3000, "retry": Self.immediate,
            "pagination": ["type": "page", "prefetch": 0, "maxPages": 1],
        ])
        #expect(stalled.ids == Array(1...10))
        let slow = try await APITest.read(["url": .string("\(server.base)/slow?slow=1&seconds=20"), "timeoutMs": 3000, "retry": Self.immediate])
        #expect(slow.ids == [1, 2, 3, 4])
        let cut = try await APITest.read([
            "url": .string("\(server.base)/cut?cuts=1"), "recordsPath": "data", "pagination": ["type": "page", "prefetch": 0, "maxPages": 1], "retry": Self.immediate,
        ])
        #expect(cut.ids == Array(1...10))
        #expect(try await server.requests().log.map(\.path) == ["/stall", "/stall", "/slow", "/slow", "/cut", "/cut"])
        let gaveUp = await APITest.failure {
            _ = try await APITest.read(["url": .string("\(server.base)/slow?slow=5&seconds=2"), "timeoutMs": 300, "retry": ["maxRetries": 1, "retryDelay": 0]])
        }
        #expect(gaveUp == "request to api:\(server.base)/slow failed (after 2 attempts): no answer within the timeout (the server stalled)")
    }

    @Test func theCircuitOpensFailsFastAndProbesAfterItsCooldown() async throws {
        let server = try await LoopbackServer.api()
        let clock = ManualClock(now: 1_800_000_000)  // 2027-01-15T08:00:00Z
        let resources = try APITest.resources(clock: clock)
        let breaker: Value = ["failureThreshold": 3, "cooldownMs": 60_000]
        let down: Value = ["url": .string("\(server.base)/down"), "retry": ["maxRetries": 5, "retryDelay": 0], "circuitBreaker": breaker]
        let first = await APITest.failure { _ = try await APITest.read(down, resources: resources) }
        let reason = #"api:\#(server.base)/down answered HTTP 500 Internal Server Error: {"error": "the database is on fire"}"#
        #expect(first == "circuit open for 127.0.0.1:\(server.port) until 08:01:00Z after 3 failures: \(reason)")
        #expect(try await server.requests().log.count == 3)
        // Another job, another route of the same host: refused without a request.
        let fast = await APITest.failure {
            _ = try await APITest.read(["url": .string("\(server.base)/page"), "recordsPath": "data", "circuitBreaker": breaker], resources: resources)
        }
        #expect(fast == first)
        #expect(try await server.requests().log.count == 3)
        let health = EndpointGuards.shared(in: resources).breakerSnapshots
        #expect(health.map(\.state) == [.open])
        #expect(health.map(\.consecutiveFailures) == [3])
        // After the cooldown one probe goes; it fails, and the circuit opens again at once.
        clock.advance(61)
        let probe = await APITest.failure { _ = try await APITest.read(down, resources: resources) }
        #expect(probe == "circuit open for 127.0.0.1:\(server.port) until 08:02:01Z after 4 failures: \(reason)")
        #expect(try await server.requests().log.count == 4)
        // The next probe succeeds and closes it.
        clock.advance(61)
        let read = try await APITest.read(["url": .string("\(server.base)/page?n=5"), "recordsPath": "data", "circuitBreaker": breaker], resources: resources)
        #expect(read.ids == [1, 2, 3, 4, 5])
        #expect(EndpointGuards.shared(in: resources).breakerSnapshots.map(\.state) == [.closed])
    }
}

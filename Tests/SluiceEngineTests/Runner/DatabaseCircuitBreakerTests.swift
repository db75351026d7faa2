import Foundation
import SluiceConnectors
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Testing

/// The circuit breaker of a database server: after `failureThreshold` failed connection
/// attempts jobs fail fast without connecting; after the cooldown one probe decides. Time is a
/// manual clock registered with the process's ``EndpointGuards`` before planning.
@Suite struct DatabaseCircuitBreakerTests {
    /// 2027-01-15T08:00:00Z.
    static let start = 1_800_000_000.0
    static let breaker = #"{"failureThreshold": 2, "cooldownMs": 5000}"#
    static let noRetry = #"{"maxRetries": 0}"#

    @Test func postgresCircuitOpensFailsFastProbesAndCloses() async throws {
        let direct = URLComponents(string: try TestDatabases.postgresURL())?.port ?? 0
        let proxy = try FlakyTCPProxy(upstreamPort: direct, failing: .max)
        defer { proxy.stop() }
        let clock = ManualClock(Self.start)
        let harness = try ConnectHarness(clock: clock.endpointClock)
        let url = try DatabaseConnectRetryTests.postgresURL(port: proxy.port)
        let source = DatabaseConnectRetryTests.postgres(
            url, query: "SELECT g AS id FROM generate_series(1, 1234) g", retry: Self.noRetry, breaker: Self.breaker)
        let endpoint = "postgres 127.0.0.1:\(proxy.port)"

        let first = try await harness.run(source: source)
        let second = try await harness.run(source: source)
        let lastError = try #require(second.failure)
        #expect(first.failure?.hasPrefix("cannot connect to \(DatabaseConnectRetryTests.location(url)): ") == true, "\(first.failure ?? "")")
        #expect(lastError.hasPrefix("cannot connect to \(DatabaseConnectRetryTests.location(url)): "), "\(lastError)")
        #expect(proxy.accepted == 2)
        var snapshot = try #require(harness.guards.breakerSnapshots.first)
        #expect(snapshot.endpoint == endpoint)
        #expect(snapshot.state == .open)
        #expect(snapshot.consecutiveFailures == 2)
        #expect(snapshot.openUntil == Self.start + 5)
        #expect(snapshot.lastError == lastError)

        // Open: the third job fails fast, without connecting.
        clock.advance(4.9)
        let third = try await harness.run(source: source)
        #expect(third.failure == "circuit open for \(endpoint) until 08:00:05Z after 2 failures: \(lastError)")
        #expect(proxy.accepted == 2)

        // After the cooldown one probe goes through; it fails, so the circuit opens again.
        clock.advance(0.1)
        let failedProbe = try await harness.run(source: source)
        #expect(failedProbe.failure?.hasPrefix("cannot connect to \(DatabaseConnectRetryTests.location(url)): ") == true, "\(failedProbe.failure ?? "")")
        #expect(proxy.accepted == 3)
        let reopened = try await harness.run(source: source)
        #expect(reopened.failure?.hasPrefix("circuit open for \(endpoint) until 08:00:10Z after 3 failures: ") == true, "\(reopened.failure ?? "")")
        #expect(proxy.accepted == 3)

        // The server is back: the next probe succeeds and closes the circuit.
        proxy.fail(next: 0)
        clock.advance(5)
        let probe = try await harness.run(source: source)
        #expect(probe.failure == nil, "\(probe.failure ?? "")")
        #expect(probe.stats.recordsLoaded == 1234)
        #expect(proxy.accepted == 4)
        snapshot = try #require(harness.guards.breakerSnapshots.first)
        #expect(snapshot.state == .closed)
        #expect(snapshot.consecutiveFailures == 0)
        #expect(snapshot.openUntil == nil)
        let after = try await harness.run(source: source)
        #expect(after.failure == nil, "\(after.failure ?? "")")
        #expect(after.stats.recordsLoaded == 1234)
        await harness.shutdown()
    }

    @Test func mysqlCircuitOpenReachesTheJobsError() async throws {
        let direct = URLComponents(string: try TestDatabases.mariadbURL())?.port ?? 0
        let proxy = try FlakyTCPProxy(upstreamPort: direct, failing: .max)
        defer { proxy.stop() }
        let clock = ManualClock(Self.start)
        let harness = try ConnectHarness(clock: clock.endpointClock)
        let url = try DatabaseConnectRetryTests.mariadbURL(port: proxy.port)
        // With retries, the job's own attempts open the circuit: the third attempt is refused.
        let source = DatabaseConnectRetryTests.mysql(
            url, query: "SELECT seq FROM seq_1_to_777", retry: #"{"maxRetries": 5, "retryDelay": 10, "maxDelay": 20}"#, breaker: Self.breaker)
        let endpoint = "mysql 127.0.0.1:\(proxy.port)"
        let failed = try await harness.run(source: source)
        let snapshot = try #require(harness.guards.breakerSnapshots.first)
        let lastError = try #require(snapshot.lastError)
        #expect(lastError.hasPrefix("MySQL login to mysql://sluice@127.0.0.1:\(proxy.port)/sluice_test failed: "), "\(lastError)")
        // Two failures, with at most 20 ms of backoff on the manual clock between them.
        let until = try #require(snapshot.openUntil)
        #expect(until >= Self.start + 5 && until <= Self.start + 5.02)
        #expect(failed.failure == "circuit open for \(endpoint) until 08:00:05Z after 2 failures: \(lastError)")
        #expect(proxy.accepted == 2)

        proxy.fail(next: 0)
        clock.advance(5.1)
        let probe = try await harness.run(source: source)
        #expect(probe.failure == nil, "\(probe.failure ?? "")")
        #expect(probe.stats.recordsLoaded == 777)
        #expect(proxy.accepted == 3)
        #expect(harness.guards.breakerSnapshots.first?.state == .closed)
        await harness.shutdown()
    }
}

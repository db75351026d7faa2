@testable import SluiceConnectors
import NIOCore
import SluiceCore
import SluiceMySQLWire
import Synchronization
import Testing

/// A guarded lease: the job's retries and the server's breaker around opening a connection,
/// with a scripted connect and a manual clock (the engine's tests run the same against real
/// servers behind a flaky proxy).
@Suite struct ConnectGuardTests {
    typealias Connection = ConnectionPoolTests.CountingConnection

    /// A connect that fails with the scripted failures, then succeeds; counts its attempts.
    final class ScriptedConnect: Sendable {
        private let state: Mutex<(attempts: Int, failures: [DatabaseConnectFailure])>
        init(_ failures: [DatabaseConnectFailure]) { state = Mutex((0, failures)) }
        var attempts: Int { state.withLock { $0.attempts } }
        func connect() throws -> Connection {
            try state.withLock { state in
                state.attempts += 1
                if !state.failures.isEmpty { throw state.failures.removeFirst() }
                return Connection(id: state.attempts)
            }
        }
    }

    /// Seconds since the epoch, moved by the backoff waits; the waits are recorded.
    final class Clock: Sendable {
        private let state = Mutex<(now: Double, waits: [Double])>((1_800_000_000, []))
        var now: Double { state.withLock { $0.now } }
        var waits: [Double] { state.withLock { $0.waits } }
        func advance(_ seconds: Double) { state.withLock { $0.now += seconds } }
        var endpointClock: EndpointClock {
            EndpointClock(
                now: { self.now },
                sleep: { seconds in self.state.withLock { $0.now += seconds; $0.waits.append(seconds) } })
        }
    }

    static let reset = DatabaseConnectFailure(.transient, subject: "cannot connect to postgres://app@db:5432/x", reason: "connection reset by peer")
    static let denied = DatabaseConnectFailure(.refused, subject: "cannot connect to postgres://app@db:5432/x", reason: "FATAL: password authentication failed")

    static func guarded(
        retry: NetworkRetryPolicy, breaker: CircuitBreaker.Settings = .init(), guards: EndpointGuards
    ) -> ConnectGuard {
        ConnectGuard(endpoint: "postgres db:5432", retry: retry, breaker: breaker, guards: guards)
    }

    @Test func transientFailuresAreRetriedWithTheJobsBackoffThenSucceed() async throws {
        let clock = Clock()
        let guards = EndpointGuards(clock: clock.endpointClock)
        let script = ScriptedConnect([Self.reset, Self.reset])
        let pool = ConnectionPool<Connection>(maxConnections: 1, idleTimeout: .seconds(60)) { try script.connect() }
        let retry = NetworkRetryPolicy(maxRetries: 2, retryDelayMs: 100, maxDelayMs: 150)
        let connection = try await pool.lease(guarded: Self.guarded(retry: retry, guards: guards))
        #expect(connection.id == 3)
        #expect(script.attempts == 3)
        #expect(clock.waits.count == 2)
        #expect(clock.waits.allSatisfy { $0 >= 0 && $0 <= 0.15 })
        #expect(guards.breakerSnapshots.map(\.consecutiveFailures) == [0])
        await pool.release(connection)
        #expect(await pool.statistics.opened == 1)
    }

    @Test func theLastTransientFailureSaysHowManyAttemptsWereMade() async throws {
        let guards = EndpointGuards(clock: Clock().endpointClock)
        let script = ScriptedConnect(Array(repeating: Self.reset, count: 10))
        let pool = ConnectionPool<Connection>(maxConnections: 1, idleTimeout: .seconds(60)) { try script.connect() }
        await #expect(throws: ConnectorError.remote("cannot connect to postgres://app@db:5432/x (after 3 attempts): connection reset by peer")) {
            _ = try await pool.lease(guarded: Self.guarded(retry: NetworkRetryPolicy(maxRetries: 2, retryDelayMs: 1, maxDelayMs: 1), guards: guards))
        }
        #expect(script.attempts == 3)
        // Another job's lease on the same pool follows its own policy.
        await #expect(throws: ConnectorError.remote("cannot connect to postgres://app@db:5432/x: connection reset by peer")) {
            _ = try await pool.lease(guarded: Self.guarded(retry: NetworkRetryPolicy.none, guards: guards))
        }
        #expect(script.attempts == 4)
        #expect(await pool.statistics.open == 0)
    }

    @Test func aRefusalFailsAtOnceAndClosesTheBreaker() async throws {
        let guards = EndpointGuards(clock: Clock().endpointClock)
        let script = ScriptedConnect([Self.reset, Self.denied])
        let pool = ConnectionPool<Connection>(maxConnections: 1, idleTimeout: .seconds(60)) { try script.connect() }
        await #expect(throws: ConnectorError.remote("cannot connect to postgres://app@db:5432/x (after 2 attempts): FATAL: password authentication failed")) {
            _ = try await pool.lease(guarded: Self.guarded(retry: NetworkRetryPolicy.standard, guards: guards))
        }
        #expect(script.attempts == 2)
        #expect(guards.breakerSnapshots.map(\.consecutiveFailures) == [0])
    }

    @Test func anOpenCircuitFailsFastUntilItsProbeSucceeds() async throws {
        let clock = Clock()
        let guards = EndpointGuards(clock: clock.endpointClock)
        let script = ScriptedConnect([Self.reset, Self.reset])
        let pool = ConnectionPool<Connection>(maxConnections: 2, idleTimeout: .seconds(60)) { try script.connect() }
        let guarded = Self.guarded(retry: NetworkRetryPolicy.none, breaker: .init(failureThreshold: 2, cooldownMs: 10_000), guards: guards)
        for _ in 0..<2 { _ = try? await pool.lease(guarded: guarded) }
        await #expect(throws: ConnectorError.remote(
            "circuit open for postgres db:5432 until 08:00:10Z after 2 failures: cannot connect to postgres://app@db:5432/x: connection reset by peer")) {
            _ = try await pool.lease(guarded: guarded)
        }
        #expect(script.attempts == 2)
        clock.advance(10)
        let probe = try await pool.lease(guarded: guarded)
        #expect(script.attempts == 3)
        #expect(guards.breakerSnapshots.first?.state == .closed)
        // An idle connection is reused without asking the breaker.
        await pool.release(probe)
        #expect(try await pool.lease(guarded: guarded) === probe)
    }

    @Test func cancellingALeaseEndsItsBackoffAtOnce() async throws {
        // A backoff only cancellation can end: were it not noticed, the test would hang.
        let guards = EndpointGuards(clock: EndpointClock(now: EndpointClock.system.now, sleep: { _ in try await Task.sleep(for: .seconds(86_400)) }))
        let script = ScriptedConnect(Array(repeating: Self.reset, count: 10))
        let pool = ConnectionPool<Connection>(maxConnections: 1, idleTimeout: .seconds(60)) { try script.connect() }
        let guarded = Self.guarded(retry: NetworkRetryPolicy(maxRetries: 5, retryDelayMs: 600_000, maxDelayMs: 600_000), guards: guards)
        let lease = Task { try await pool.lease(guarded: guarded) }
        while script.attempts == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        lease.cancel()
        await #expect(throws: CancellationError.self) { try await lease.value }
        #expect(script.attempts == 1)
    }

    @Test func postgresFailuresAreClassifiedBySQLState() {
        func kind(_ state: String) -> DatabaseConnectFailure.Kind {
            var body = ByteBuffer()
            body.writeBytes([UInt8(ascii: "C")] + Array(state.utf8) + [0, 0])
            return DatabaseConnectFailure.postgresKind(PostgresServerError(body: body))
        }
        #expect(["57P01", "57P02", "57P03", "53300", "08006", "08001"].map(kind) == Array(repeating: .transient, count: 6))
        #expect(["28P01", "28000", "3D000", "42501"].map(kind) == Array(repeating: .refused, count: 4))
        #expect(DatabaseConnectFailure.postgresKind(IOError(errnoCode: 111, reason: "connect")) == .transient)
    }

    @Test func mysqlFailuresAreClassifiedByErrorNumber() {
        func kind(_ code: UInt16) -> DatabaseConnectFailure.Kind {
            DatabaseConnectFailure.mysqlKind(MySQLError.server(MySQLServerError(code: code, sqlState: "HY000", message: "m")))
        }
        #expect([1040, 1053, 1203, 2002, 2003, 2013].map(kind) == Array(repeating: .transient, count: 6))
        #expect([1045, 1049, 1044, 1130].map(kind) == Array(repeating: .refused, count: 4))
        #expect(DatabaseConnectFailure.mysqlKind(MySQLError.connection("could not connect")) == .transient)
        #expect(DatabaseConnectFailure.mysqlKind(MySQLError.tls("refused")) == .refused)
        #expect(DatabaseConnectFailure.mysqlKind(MySQLError.authentication("plugin")) == .refused)
    }

    @Test func breakerKeysNameTheServer() {
        #expect(ConnectGuard.endpointKey("postgres", host: "DB.example.com", port: 5432) == "postgres db.example.com:5432")
        #expect(ConnectGuard.endpointKey("mysql", host: "::1", port: 3306) == "mysql [::1]:3306")
    }
}

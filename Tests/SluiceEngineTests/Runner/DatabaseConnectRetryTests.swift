import Foundation
import Logging
import SluiceConnectors
import SluiceCore
import SluiceEngine
import SluiceTestSupport
import Synchronization
import Testing

/// Opening a PostgreSQL or MariaDB connection is retried with backoff on transient failures,
/// fails at once when the server refuses, and is guarded by the server's circuit breaker.
/// Jobs are planned and run by the engine against the real test servers, through a loopback
/// ``FlakyTCPProxy`` that counts every connection attempt and resets as many as it is told.
@Suite struct DatabaseConnectRetryTests {
    /// Fast backoffs: 2 retries, 10 ms then at most 20 ms.
    static let quickRetry = #"{"maxRetries": 2, "retryDelay": 10, "maxDelay": 20}"#

    // MARK: - Retries

    @Test func aServerThatResetsEveryConnectionFailsTheJobAfterExactlyThreeAttempts() async throws {
        let proxy = try FlakyTCPProxy(upstreamPort: nil, failing: .max)
        defer { proxy.stop() }
        let harness = try ConnectHarness()
        let url = try Self.postgresURL(port: proxy.port)
        let outcome = try await harness.run(source: Self.postgres(url, query: "SELECT 1 AS one", retry: Self.quickRetry))
        let failure = try #require(outcome.failure)
        // The reset arrives during the TCP connect or just after it, so the reason's wording varies.
        #expect(failure.hasPrefix("cannot connect to \(Self.location(url)) (after 3 attempts): "), "\(failure)")
        #expect(failure.contains("Connection reset by peer) (errno: 104)"), "\(failure)")
        #expect(proxy.accepted == 3)
        // Another job on the same server (and pool) connects with its own policy: one attempt.
        let single = try await harness.run(source: Self.postgres(url, query: "SELECT 1 AS one", retry: #"{"maxRetries": 0}"#))
        let singleFailure = try #require(single.failure)
        #expect(singleFailure.hasPrefix("cannot connect to \(Self.location(url)): "), "\(singleFailure)")
        #expect(proxy.accepted == 4)
        let breaker = try #require(harness.guards.breakerSnapshots.first)
        #expect(breaker.endpoint == "postgres 127.0.0.1:\(proxy.port)")
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 4)
        await harness.shutdown()
    }

    @Test func aPortWhereNothingListensIsRetriedAndSaysSo() async throws {
        let port = try Self.closedPort()
        let harness = try ConnectHarness()
        let pgURL = try Self.postgresURL(port: port)
        let pg = try await harness.run(source: Self.postgres(pgURL, query: "SELECT 1 AS one", retry: Self.quickRetry))
        let pgFailure = try #require(pg.failure)
        #expect(
            pgFailure == "cannot connect to \(Self.location(pgURL)) (after 3 attempts): Connection errors: SingleConnectionFailure(target: "
                + "[IPv4]127.0.0.1/127.0.0.1:\(port), error: connection reset (error set): Connection refused) (errno: 111))")
        let mariaURL = try Self.mariadbURL(port: port)
        let maria = try await harness.run(source: Self.mysql(mariaURL, query: "SELECT 1 AS one", retry: Self.quickRetry))
        #expect(
            maria.failure
                == "MySQL login to mysql://sluice@127.0.0.1:\(port)/sluice_test failed (after 3 attempts): could not connect to the MySQL server at 127.0.0.1:\(port): "
                + "Connection errors: SingleConnectionFailure(target: [IPv4]127.0.0.1/127.0.0.1:\(port), error: connection reset (error set): "
                + "Connection refused) (errno: 111))")
        #expect(harness.guards.breakerSnapshots.map(\.consecutiveFailures) == [3, 3])
        await harness.shutdown()
    }

    @Test func aServerThatComesUpAfterSomeResetsLoadsEveryRowPostgres() async throws {
        let direct = URLComponents(string: try TestDatabases.postgresURL())?.port ?? 0
        let sourceProxy = try FlakyTCPProxy(upstreamPort: direct, failing: 2)
        let targetProxy = try FlakyTCPProxy(upstreamPort: direct, failing: 1)
        defer { sourceProxy.stop(); targetProxy.stop() }
        let table = TestDatabases.uniqueName("retry_pg")
        let harness = try ConnectHarness()
        let retry = #"{"maxRetries": 3, "retryDelay": 10, "maxDelay": 20}"#
        let outcome = try await harness.run(
            source: Self.postgres(try Self.postgresURL(port: sourceProxy.port), query: "SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 2500) g", retry: retry),
            target: #"{"type": "postgres", "config": {"url": "\#(try Self.postgresURL(port: targetProxy.port))", "table": "\#(table)", "retry": \#(retry)}}"#)
        #expect(outcome.failure == nil, "\(outcome.failure ?? "")")
        #expect(outcome.stats.recordsLoaded == 2500)
        #expect(sourceProxy.accepted == 3)
        #expect(targetProxy.accepted == 2)
        let pg = try TestDatabases.postgresURL()
        #expect(try await CommandLineClient.psql(pg, "SELECT count(*), sum(id), count(DISTINCT label) FROM \(table)") == "2500|3126250|2500")
        _ = try await CommandLineClient.psql(pg, "DROP TABLE \(table)")
        #expect(harness.guards.breakerSnapshots.map(\.state) == [.closed, .closed])
        #expect(harness.guards.breakerSnapshots.map(\.consecutiveFailures) == [0, 0])
        await harness.shutdown()
    }

    @Test func aServerThatComesUpAfterSomeResetsLoadsEveryRowMariaDB() async throws {
        let direct = URLComponents(string: try TestDatabases.mariadbURL())?.port ?? 0
        let sourceProxy = try FlakyTCPProxy(upstreamPort: direct, failing: 2)
        let targetProxy = try FlakyTCPProxy(upstreamPort: direct, failing: 1)
        defer { sourceProxy.stop(); targetProxy.stop() }
        let table = TestDatabases.uniqueName("retry_my")
        let harness = try ConnectHarness()
        let retry = #"{"maxRetries": 3, "retryDelay": 10, "maxDelay": 20}"#
        let outcome = try await harness.run(
            source: Self.mysql(try Self.mariadbURL(port: sourceProxy.port), query: "SELECT seq AS id, CONCAT('row ', seq) AS label FROM seq_1_to_2500", retry: retry),
            target: #"{"type": "mysql", "config": {"url": "\#(try Self.mariadbURL(port: targetProxy.port))", "table": "\#(table)", "retry": \#(retry)}}"#)
        #expect(outcome.failure == nil, "\(outcome.failure ?? "")")
        #expect(outcome.stats.recordsLoaded == 2500)
        #expect(sourceProxy.accepted == 3)
        #expect(targetProxy.accepted == 2)
        let maria = try TestDatabases.mariadbURL()
        #expect(try await CommandLineClient.mariadb(maria, "SELECT COUNT(*), SUM(id), COUNT(DISTINCT label) FROM \(table)") == "2500\t3126250\t2500")
        _ = try await CommandLineClient.mariadb(maria, "DROP TABLE \(table)")
        await harness.shutdown()
    }

    // MARK: - Refusals

    @Test func refusedLoginsFailAtOnceWithTheServersMessage() async throws {
        let harness = try ConnectHarness()
        let pgDirect = URLComponents(string: try TestDatabases.postgresURL())?.port ?? 0
        let pgProxy = try FlakyTCPProxy(upstreamPort: pgDirect, failing: 0)
        defer { pgProxy.stop() }
        // The test server trusts every login, so a role that does not exist is its refusal.
        let role = "nobody_\(UInt32.random(in: 0...UInt32.max))"
        let unknownRole = "postgres://\(role)@127.0.0.1:\(pgProxy.port)/sluice_test"
        let pg = try await harness.run(source: Self.postgres(unknownRole, query: "SELECT 1 AS one", retry: Self.quickRetry))
        #expect(pg.failure == "cannot connect to \(unknownRole): FATAL: role \"\(role)\" does not exist (SQLSTATE 28000)")
        #expect(pgProxy.accepted == 1)
        let unknownDatabase = "postgres://postgres@127.0.0.1:\(pgProxy.port)/no_such_db_here"
        let db = try await harness.run(source: Self.postgres(unknownDatabase, query: "SELECT 1 AS one", retry: Self.quickRetry))
        #expect(db.failure == "cannot connect to \(unknownDatabase): FATAL: database \"no_such_db_here\" does not exist (SQLSTATE 3D000)")
        #expect(pgProxy.accepted == 2)

        let mariaDirect = URLComponents(string: try TestDatabases.mariadbURL())?.port ?? 0
        let mariaProxy = try FlakyTCPProxy(upstreamPort: mariaDirect, failing: 0)
        defer { mariaProxy.stop() }
        let wrongPassword = "mysql://sluice:wrong@127.0.0.1:\(mariaProxy.port)/sluice_test"
        let maria = try await harness.run(source: Self.mysql(wrongPassword, query: "SELECT 1 AS one", retry: Self.quickRetry))
        // Under the whole suite a first login may time out (a retried failure) before the
        // refusal; the refusal itself ends the attempts, so there are at most two of the three
        // that quickRetry allows, and the message counts them.
        let attempts = mariaProxy.accepted
        #expect((1...2).contains(attempts))
        #expect(
            maria.failure
                == "MySQL login to mysql://sluice@127.0.0.1:\(mariaProxy.port)/sluice_test failed\(attempts > 1 ? " (after \(attempts) attempts)" : ""): ERROR 1045 (28000): Access denied for user 'sluice'@'localhost' (using password: YES)"
        )
        // The servers answered: their breakers stay closed.
        #expect(harness.guards.breakerSnapshots.map(\.consecutiveFailures) == [0, 0])
        await harness.shutdown()
    }

    // MARK: - Cancellation

    @Test func stoppingAJobEndsItsBackoffPromptly() async throws {
        let proxy = try FlakyTCPProxy(upstreamPort: nil, failing: .max)
        defer { proxy.stop() }
        let harness = try ConnectHarness()
        let url = try Self.postgresURL(port: proxy.port)
        // Up to a minute of backoff per retry: whatever share the jitter picks, stopping the job ends the wait.
        let plan = try harness.plan(source: Self.postgres(url, query: "SELECT 1 AS one", retry: #"{"maxRetries": 5, "retryDelay": 60000, "maxDelay": 60000}"#))
        let started = ContinuousClock.now
        let run = Task { await JobRunner.run(plan, logger: Logger(label: "retry")) }
        // Generous: under the whole suite the run may wait minutes for a thread before it connects.
        while proxy.accepted == 0, ContinuousClock.now - started < .seconds(1800) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(proxy.accepted >= 1)
        run.cancel()
        let outcome = await run.value
        #expect(outcome.failure == "cancelled: the run was stopped before it finished (a timeout or shutdown); the target was left untouched")
        #expect(proxy.accepted < 6)
        await harness.shutdown()
    }
}

import Foundation
import Logging
import PostgresNIO
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// The login of ``PostgresEndpoint/connect(logger:)`` runs on the event loop from the TCP
/// connect to the end: it does not wait for the connecting task to be scheduled again.
///
/// The server closes a socket that has not finished its login within
/// `authentication_timeout` (60 s by default). When the test process's blocking oracles held
/// the cooperative threads, a login that awaited between the TCP connect and the startup
/// message resumed after the server had closed the socket, and failed with
/// "connectionError: Already closed".
@Suite struct PostgresLoginTests {
    @Test func theLoginCompletesWhileTheConnectingTaskCannotRun() async throws {
        let name = TestDatabases.uniqueName("sluice_login")
        let endpoint = try PostgresPoolTests.endpoint(["applicationName": .string(name)])
        let executor = SerialQueueTaskExecutor(label: name)
        let connecting = Task(executorPreference: executor) { try await endpoint.connect() }
        // Runs after the task's first job, which starts the connect and awaits it: until this
        // job ends, the task cannot run again. It ends once the server lists the session as
        // logged in (application_name comes with the startup message), or after 60 s.
        let seen = await withCheckedContinuation { (done: CheckedContinuation<String, Never>) in
            executor.queue.async {
                let deadline = Date().addingTimeInterval(60)
                var seen = ""
                repeat {
                    // Blocking on purpose: this job holds the executor's queue so that the
                    // connecting task cannot run (the queue is not the cooperative pool's).
                    seen = (try? PostgresFixture.psqlBlocking(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(name)' AND backend_type = 'client backend'"
                    )) ?? ""
                    if seen == "1" { break }
                    Thread.sleep(forTimeInterval: 0.05)
                } while Date() < deadline
                done.resume(returning: seen)
            }
        }
        #expect(seen == "1")
        let pooled = try await connecting.value
        let rows = try await pooled.connection.query("SELECT current_setting('application_name') AS name, 41 + 1 AS answer", logger: Logger(label: "test"))
        var results: [String] = []
        for try await (text, answer) in rows.decode((String, Int).self) { results.append("\(text) \(answer)") }
        #expect(results == ["\(name) 42"])
        #expect(pooled.isUsable)
        await pooled.close()
        #expect(!pooled.isUsable)
    }

    @Test func aCancelledConnectThrowsCancellationAndLeavesNoSession() async throws {
        let name = TestDatabases.uniqueName("sluice_cancel")
        let endpoint = try PostgresPoolTests.endpoint(["applicationName": .string(name)])
        let connecting = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await endpoint.connect()
        }
        await #expect(throws: CancellationError.self) { try await connecting.value }
        let sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(name)'"
        #expect(await PostgresPoolTests.eventually { (try? await PostgresFixture.psql(sessions)) == "0" })
    }
}

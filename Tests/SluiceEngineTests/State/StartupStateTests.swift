import Foundation
import Logging
import SQLiteNIO
import SluiceCore
import Synchronization
import Testing

@testable import SluiceEngine

/// What a start costs the state database: an up-to-date file is checked with one statement
/// (its `user_version`), and recovering interrupted jobs reads only unfinished ones.
@Suite("State at start: one version read, unfinished jobs only")
struct StartupStateTests {
    /// One statement's authorization as SQLite reports it while preparing it.
    struct Authorization: Equatable, CustomStringConvertible {
        let action: Int32
        let parameter1: String?
        let parameter2: String?

        init(_ action: SQLiteAuthorizerAction, _ parameter1: String?, _ parameter2: String?) {
            self.action = action.rawValue
            self.parameter1 = parameter1
            self.parameter2 = parameter2
        }

        var description: String { "(\(action), \(parameter1 ?? "nil"), \(parameter2 ?? "nil"))" }
    }

    /// Everything SQLite authorizes on `connection` while `body` runs.
    static func authorizations(on connection: SQLiteConnection, during body: () async throws -> Void) async throws -> [Authorization] {
        let seen = Mutex<[Authorization]>([])
        try await connection.withAuthorizerObserver({ event in
            seen.withLock { $0.append(Authorization(event.action, event.parameter1, event.parameter2)) }
        }) {
            try await body()
        }
        return seen.withLock { $0 }
    }

    @Test func anUpToDateDatabaseIsCheckedWithOneVersionReadAndNothingElse() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.db")

        // A new file: the version read, then every migration in its own transaction with its bump.
        let fresh = try await SQLiteConnection.open(storage: .file(path: path))
        let migrating = try await Self.authorizations(on: fresh) { try await StateSchema.migrate(fresh, path: path) }
        try await fresh.close()
        let versionRead = Authorization(.pragma, "user_version", nil)
        let bumps: [Authorization] = (1...StateSchema.currentVersion).map { Authorization(.pragma, "user_version", "\($0)") }
        let pragmas: [Authorization] = migrating.filter { $0.action == SQLiteAuthorizerAction.pragma.rawValue }
        #expect(migrating.first == versionRead)
        #expect(pragmas == [versionRead] + bumps)
        let transactions: [String] = migrating.filter { $0.action == SQLiteAuthorizerAction.transaction.rawValue }.map { $0.parameter1 ?? "" }
        let perMigration: [[String]] = Array(repeating: ["BEGIN", "COMMIT"], count: StateSchema.currentVersion)
        #expect(transactions == perMigration.flatMap { $0 })

        // The same file again: one read of the version, no transaction, no schema statement.
        let current = try await SQLiteConnection.open(storage: .file(path: path))
        let checking = try await Self.authorizations(on: current) { try await StateSchema.migrate(current, path: path) }
        try await current.close()
        #expect(checking == [versionRead])
    }

    @Test func recoveryReadsOnlyUnfinishedJobs() async throws {
        try await withStateStore { store, directory in
            let statuses: [(String, JobStatus)] = [
                ("completed", .completed), ("running", .running), ("failed", .failed), ("pending", .pending), ("cancelled", .cancelled),
            ]
            for (index, (id, status)) in statuses.enumerated() {
                var job = try StateFixtures.job(id: id, createdAt: Int64(10 - index), status: status)
                job.owner = "999999999:1"  // a process that no longer runs
                try await store.saveJob(job)
            }
            // Finished rows that no longer decode: recovery must not read them.
            _ = try await store.connection.query("UPDATE jobs SET spec = '[]' WHERE status IN ('completed', 'failed', 'cancelled')")
            do {
                _ = try await store.jobs()
                Issue.record("a damaged row should make jobs() throw")
            } catch let error as StateStoreError {
                guard case .corruptRow(let table, _, _) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(table == "jobs")
            }
            // Oldest first: `pending` was created at 7, `running` at 9.
            #expect(try await store.unfinishedJobs().map(\.id) == ["pending", "running"])

            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let planner = JobPlanner(
                registry: .builtIn, dataRoots: DataRoots([directory.path]), batchSize: 10, environment: [:],
                scratch: ScratchLedger(directory: directory.file("scratch")))
            try await JobService(store: store, planner: planner, logger: logger).recoverInterruptedJobs()
            #expect(try await store.job(id: "running")?.status == .failed)
            #expect(try await store.job(id: "pending")?.status == .failed)
            #expect(try await store.unfinishedJobs().isEmpty)
            let count = try await store.connection.query("SELECT COUNT(*) AS n FROM jobs WHERE spec = '[]'")
            #expect(count.first?.column("n")?.integer == 3)
        }
    }
}

import Foundation
import SQLiteNIO
import SluiceCore
import Testing

@testable import SluiceEngine

@Suite("SQLiteStateStore: opening, jobs, persistence")
struct SQLiteStateStoreTests {
    @Test func jobsRoundTripAndKeepSpecKeyOrder() async throws {
        try await withStateStore { store, _ in
            let full = JobRecord(
                id: "job_1", name: "Customer sync", status: .failed, spec: try StateFixtures.spec(),
                stats: StateFixtures.stats(), error: "source unreachable: connection refused", createdAt: 1_699_380_000_000)
            let bare = try StateFixtures.job(id: "job_0", createdAt: 5, status: .pending)
            try await store.saveJob(full)
            try await store.saveJob(bare)
            #expect(try await store.job(id: "job_1") == full)
            #expect(try await store.job(id: "job_0") == bare)
            #expect(try await store.job(id: "missing") == nil)
            #expect(try await store.jobCount() == 2)

            // The spec is stored as the exact text submitted: keys in their original order.
            let rows = try await store.connection.query("SELECT spec, stats FROM jobs WHERE id = 'job_1'")
            #expect(rows.first?.column("spec")?.string == StateFixtures.specJSON)
            #expect(
                rows.first?.column("stats")?.string
                    == #"{"startTime":1699380000000,"endTime":1699380001234,"recordsExtracted":10,"recordsTransformed":8,"#
                    + #""recordsLoaded":7,"recordsErrored":3,"errors":[{"record":{"id":1,"name":"Ann","tags":["a",null]},"#
                    + #""error":"id must be at least 2","position":2,"stage":"validation"},{"record":{"b":1.5,"a":{}},"#
                    + #""error":"target refused"}],"phases":{"extractionMs":12.5,"transformationMs":3.25,"loadingMs":100.0},"#
                    + #""bytesRead":4096,"bytesWritten":1234}"#)
        }
    }

    @Test func saveJobUpsertsAndJobsAreOrderedByCreationThenId() async throws {
        try await withStateStore { store, _ in
            try await store.saveJob(try StateFixtures.job(id: "b", createdAt: 20))
            try await store.saveJob(try StateFixtures.job(id: "c", createdAt: 10))
            try await store.saveJob(try StateFixtures.job(id: "a", createdAt: 20))
            try await store.saveJob(try StateFixtures.job(id: "d", createdAt: 30, status: .running))
            var finished = try StateFixtures.job(id: "d", createdAt: 30, status: .completed, stats: StateFixtures.stats())
            finished.name = "renamed"
            try await store.saveJob(finished)
            #expect(try await store.jobs().map(\.id) == ["c", "a", "b", "d"])
            #expect(try await store.jobCount() == 4)
            #expect(try await store.job(id: "d") == finished)
        }
    }

    @Test func everythingSurvivesCloseAndReopen() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        // A nested path that does not exist yet: open must create it.
        let path = directory.file("nested/dir/state.db")
        let job = JobRecord(
            id: "job_7", name: "n", status: .completed, spec: try StateFixtures.spec(), stats: StateFixtures.stats(),
            createdAt: 7)
        let schedule = ScheduleSpec(
            id: "daily", name: "Daily", cron: "0 2 * * *", enabled: false,
            retryPolicy: RetryPolicy(maxRetries: 3, retryDelay: 5000, backoffMultiplier: 2), timeout: 60_000,
            job: try StateFixtures.spec())
        let graph = LineageGraph(
            nodes: [LineageNode(id: "s", type: "source", name: "S", jobId: "job_7", fields: ["id", "name"])],
            edges: [
                LineageEdge(
                    from: "s", to: "t", relationship: "consumes", jobId: "job_7",
                    fields: [FieldDerivation(output: "name", inputs: ["first", "last"], how: "concat")])
            ])
        do {
            let store = try await SQLiteStateStore.open(path: path)
            try await store.saveJob(job)
            try await store.saveSchedule(schedule)
            try await store.addDeadLetters([NewDeadLetter(jobId: "job_7", record: ["x": 1], error: "bad", position: 4, stage: "validation", timestamp: 99)])
            try await store.recordLineage(graph)
            try await store.recordPhaseDurations(jobId: "job_7", [.extraction: 1.5, .loading: 3], at: 99)
            try await store.close()
        }
        #expect(FileManager.default.fileExists(atPath: path))
        let store = try await SQLiteStateStore.open(path: path)
        #expect(try await store.jobs() == [job])
        #expect(try await store.schedules() == [schedule])
        #expect(
            try await store.deadLetters(jobId: nil)
                == [DeadLetter(id: 1, jobId: "job_7", record: ["x": 1], error: "bad", position: 4, stage: "validation", timestamp: 99)])
        #expect(
            try await store.lineage(of: "s")
                == LineageGraph(nodes: graph.nodes, edges: graph.edges))
        #expect(try await store.phaseDurations(.extraction) == [1.5])
        #expect(try await store.phaseDurations(.transformation) == [])
        #expect(try await store.phaseDurations(.loading) == [3])
        try await store.close()
    }

    @Test func schemaIsVersionedAndInWALMode() async throws {
        try await withStateStore { store, _ in
            let version = try await store.connection.query("PRAGMA user_version")
            #expect(version.first?.column("user_version")?.integer == 5)
            let mode = try await store.connection.query("PRAGMA journal_mode")
            #expect(mode.first?.column("journal_mode")?.string == "wal")
            let timeout = try await store.connection.query("PRAGMA busy_timeout")
            #expect(timeout.first?.columns.first?.data.integer == 5000)
        }
    }

    @Test func refusesADatabaseFromANewerVersion() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.db")
        let store = try await SQLiteStateStore.open(path: path)
        _ = try await store.connection.query("PRAGMA user_version = 99")
        try await store.close()
        await #expect(throws: StateStoreError.newerSchema(path: path, found: 99, supported: 5)) {
            _ = try await SQLiteStateStore.open(path: path)
        }
        #expect(
            StateStoreError.newerSchema(path: "s.db", found: 99, supported: 1).description
                == "state database 's.db' has schema version 99, but this version of sluice supports up to 1; "
                + "upgrade sluice or point it at another state file")
    }

    @Test func reopeningAnUpToDateDatabaseKeepsItsRows() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let path = directory.file("state.db")
        for round in 0..<3 {
            let store = try await SQLiteStateStore.open(path: path)
            #expect(try await store.jobCount() == round)
            try await store.saveJob(try StateFixtures.job(id: "job_\(round)", createdAt: Int64(round)))
            try await store.close()
        }
    }

    @Test func closedStoreRefusesWorkAndClosesOnce() async throws {
        let directory = try StateTestDirectory()
        defer { directory.remove() }
        let store = try await SQLiteStateStore.open(path: directory.file("state.db"))
        try await store.close()
        try await store.close()
        await #expect(throws: StateStoreError.closed) { _ = try await store.jobCount() }
        await #expect(throws: StateStoreError.closed) {
            try await store.addDeadLetters([NewDeadLetter(jobId: "j", record: nil, error: "e", stage: "s", timestamp: 1)])
        }
        await #expect(throws: StateStoreError.closed) { _ = try await store.job(id: "j") }
    }

    @Test func inMemoryStoreWorks() async throws {
        let store = try await SQLiteStateStore.open(path: ":memory:")
        try await store.saveJob(try StateFixtures.job(id: "m", createdAt: 1))
        #expect(try await store.jobs().map(\.id) == ["m"])
        try await store.close()
    }

    @Test func failedTransactionLeavesNoRows() async throws {
        struct Boom: Error {}
        try await withStateStore { store, _ in
            await #expect(throws: Boom.self) {
                try await store.exclusiveTransaction { connection in
                    _ = try await connection.query(
                        "INSERT INTO dead_letters (job_id, record, error, stage, timestamp) VALUES ('j', '{}', 'e', 's', 1)")
                    throw Boom()
                }
            }
            #expect(try await store.deadLetterCount() == 0)
            // The connection is usable afterwards: no transaction was left open.
            try await store.addDeadLetters([NewDeadLetter(jobId: "j", record: nil, error: "e", stage: "s", timestamp: 1)])
            #expect(try await store.deadLetterCount() == 1)
        }
    }

    @Test func concurrentWritersDoNotInterleaveTransactions() async throws {
        try await withStateStore { store, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        // More rows than one INSERT statement takes, so each call is several statements.
                        let letters = (0..<1200).map { i in
                            NewDeadLetter(jobId: "job_\(task)", record: ["i": .int(i)], error: "e", position: i, stage: "s", timestamp: Int64(i))
                        }
                        try await store.addDeadLetters(letters)
                        try await store.saveJob(try StateFixtures.job(id: "job_\(task)", createdAt: Int64(task)))
                        _ = try await store.deadLetterCount()
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.deadLetterCount() == 9600)
            #expect(try await store.jobCount() == 8)
            // Each call's rows got consecutive ids: no other call's rows landed inside its transaction.
            for task in 0..<8 {
                let letters = try await store.deadLetters(jobId: "job_\(task)")
                #expect(letters.count == 1200)
                #expect(letters.last.map { $0.id - letters[0].id } == 1199)
                #expect(letters.map(\.position) == (0..<1200).map { Optional($0) })
            }
        }
    }
}

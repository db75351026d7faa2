import Foundation
import Logging
import SluiceCore
@testable import SluiceEngine
import Testing

/// A job left `running` by a process that died is marked failed at the next start of a server
/// or command line, and its temporary files go; a job another live process runs is left alone.
@Suite struct InterruptedJobsTests {
    @Test func jobsOfDeadProcessesFailAndTheirDebrisGoes() async throws {
        try await withStateStore { store, directory in
            let initIdentity = try #require(ProcessIdentity.identity(of: 1))
            var dead = try StateFixtures.job(id: "dead", createdAt: 1, status: .running)
            dead.owner = "999999999:1"
            var legacy = try StateFixtures.job(id: "legacy", createdAt: 2, status: .pending)  // no owner: written before owners were kept
            legacy.owner = nil
            var elsewhere = try StateFixtures.job(id: "elsewhere", createdAt: 3, status: .running)
            elsewhere.owner = initIdentity
            let done = try StateFixtures.job(id: "done", createdAt: 4, status: .completed)
            for job in [dead, legacy, elsewhere, done] { try await store.saveJob(job) }

            let scratch = ScratchLedger(directory: directory.file("scratch"))
            let temp = directory.file(".out.json.sluice-dead-1.tmp")
            try "partial".write(toFile: temp, atomically: false, encoding: .utf8)
            try scratch.record(temp, jobId: "dead")
            // The dead process wrote that ledger, not this one.
            let ledger = directory.file("scratch/dead.scratch")
            let text = try String(contentsOfFile: ledger, encoding: .utf8)
            try text.replacingOccurrences(of: ProcessIdentity.current, with: "999999999:1").write(toFile: ledger, atomically: true, encoding: .utf8)

            let planner = JobPlanner(
                registry: .builtIn, dataRoots: DataRoots([directory.path]), batchSize: 10, environment: [:], scratch: scratch)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let service = JobService(store: store, planner: planner, logger: logger)
            try await service.recoverInterruptedJobs()

            let after = Dictionary(uniqueKeysWithValues: try await store.jobs().map { ($0.id, $0) })
            #expect(after["dead"]?.status == .failed)
            #expect(after["dead"]?.error == "interrupted: the process running the job stopped before it finished; its target was left as it was; submit it again")
            #expect(after["dead"]?.owner == nil)
            #expect(after["legacy"]?.status == .failed)
            #expect(after["elsewhere"]?.status == .running)
            #expect(after["elsewhere"]?.owner == initIdentity)
            #expect(after["done"]?.status == .completed)
            #expect(!FileManager.default.fileExists(atPath: temp))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("scratch")) == [])
        }
    }
}

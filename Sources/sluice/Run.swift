import ArgumentParser
import Foundation
import SluiceCore
import SluiceEngine
import UnixSignals

/// `sluice run JOB.json`: runs a job in this process, with no server, and prints its stats.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a job spec file in-process and print its stats as JSON.")

    @Argument(help: "Path of the job spec (JSON).")
    var job: String

    @Flag(name: .long, help: "Do not record the run in the state database.")
    var noState = false

    func run() async throws {
        let env = try CommandEnvironment()
        let spec = try env.loadSpec(path: job)
        let progress = ProgressLine.forTerminal()
        // Without state the run goes through the same service, over a database in memory.
        let store = try await SQLiteStateStore.open(path: noState ? ":memory:" : env.settings.statePath)
        let service = JobService(store: store, planner: env.planner, runSettings: RunSettings(env.settings), logger: env.logger)
        // Jobs a killed run or server left "running" are marked failed, and their temporary files removed.
        try await service.recoverInterruptedJobs()
        // Ctrl-C or SIGTERM stops the job like a shutdown does: its target is left as it was,
        // its temporary files are removed and its outcome is recorded before the process ends.
        // A continuous job is first asked to commit what it has and end; a second signal stops it.
        let signals = Task {
            var askedContinuous = false
            for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                if !askedContinuous, service.stopContinuousJobs() > 0 {
                    askedContinuous = true
                    continue
                }
                service.stopAll(.shutdown)
            }
        }
        defer { signals.cancel() }
        let record: JobRecord
        do {
            record = try await service.execute(spec, progress: progress?.update)
        } catch let error as JobPlanError {
            try await store.close()
            throw CommandFailure(error.errors.map(\.message).joined(separator: "\n"))
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
        await env.planner.resources.shutdown()  // database connection pools
        var o = ValueObject()
        o["job"] = Presentation.jobSummary(record)
        if let error = record.error { o["error"] = .string(error) }
        o["stats"] = record.stats.map { Presentation.stats($0) } ?? .null
        print(JSONText.string(.object(o)))
        if record.status == .failed { throw ExitCode(1) }
    }
}

import Logging
import SluiceCore

/// What ``JobService/stop(id:)`` found.
public enum GracefulStopOutcome: Sendable, Equatable {
    /// The continuous job runs here and commits what it has, then ends `completed`.
    case stopping
    /// The job runs here but ends by itself; only cancelling stops it early.
    case notContinuous
    /// The job has already ended, with this status.
    case finished(JobStatus)
    /// The job is recorded as running, but by another process.
    case elsewhere
    /// No job has this id.
    case unknown
}

extension JobService {
    /// The hooks of a continuous run of `job`: a graceful stop asked through ``stop(id:)`` (or
    /// shutdown, or the job's `timeoutMs`), and after each micro-batch's commit its stats and
    /// dead letters recorded in one transaction, before the source is told. So `GET /jobs/:id`
    /// shows what is committed, and a crash never loses a refused record whose message was
    /// acknowledged.
    func continuousHooks(for job: JobRecord, logger: Logger) -> ContinuousHooks {
        let store = self.store
        let id = job.id
        return ContinuousHooks(
            stopRequested: { [self] in gracefulStops.withLock { $0.contains(id) } },
            committed: { [self] report in
                var running = job
                running.status = .running
                running.stats = report.stats
                try await store.recordOutcome(JobOutcomeRecord(
                    job: running, deadLetters: report.rejections.map { deadLetter($0, jobId: id) },
                    recordedAt: JobRunner.wallClockMilliseconds()))
                logger.debug(
                    "micro-batch committed",
                    metadata: [
                        "number": "\(report.number)", "records": "\(report.stats.streaming?.lastCommitRecords ?? 0)",
                        "refused": "\(report.rejections.count)",
                    ])
            })
    }

    /// A continuous job runs until it is stopped: only its own `timeoutMs` limits it (and then
    /// stops it gracefully), not the server's limit for jobs that end.
    func continuousTimeLimit(for spec: JobSpec) -> Duration {
        guard let ms = spec.timeoutMs, ms > 0 else { return .seconds(100 * 365 * 86_400) }
        return .milliseconds(ms)
    }

    /// Asks every continuous job running here to stop gracefully (shutdown, Ctrl-C of
    /// `sluice run`); answers how many there were.
    @discardableResult
    public func stopContinuousJobs() -> Int {
        let stops = running.withLock { $0.values.compactMap(\.gracefulStop) }
        for stop in stops { stop() }
        return stops.count
    }

    /// Asks continuous job `id` to stop gracefully: it commits the micro-batch in progress,
    /// acknowledges it to its source and ends `completed`.
    public func stop(id: String) async throws -> GracefulStopOutcome {
        if let job = running.withLock({ $0[id] }) {
            guard let graceful = job.gracefulStop else { return .notContinuous }
            graceful()
            return .stopping
        }
        guard let record = try await store.job(id: id) else { return .unknown }
        if record.status.isFinished { return .finished(record.status) }
        if record.owner == ProcessIdentity.current {
            // Submitted here but not yet registered as running: wait briefly for it to start.
            for _ in 0..<40 {
                try await Task.sleep(for: .milliseconds(25))
                if let job = running.withLock({ $0[id] }) {
                    guard let graceful = job.gracefulStop else { return .notContinuous }
                    graceful()
                    return .stopping
                }
                if let now = try await store.job(id: id), now.status.isFinished { return .finished(now.status) }
            }
        }
        return .elsewhere
    }
}

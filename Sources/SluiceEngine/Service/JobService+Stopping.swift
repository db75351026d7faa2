import SluiceCore
import Synchronization

/// Why a run was stopped before it finished.
public enum StopReason: Sendable, Equatable {
    /// `POST /jobs/:id/cancel`.
    case request
    /// The job's `timeoutMs` or the server's `SLUICE_JOB_TIMEOUT_S` passed.
    case timeout
    /// The server shut down and the shutdown grace passed.
    case shutdown

    /// The job's failure text.
    func message(limit: Duration) -> String {
        switch self {
        case .request:
            return "cancelled by request; the target was left as it was"
        case .timeout:
            let ms = limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000
            return "timed out after \(ms) ms (the job's timeoutMs or SLUICE_JOB_TIMEOUT_S); the target was left as it was"
        case .shutdown:
            return "stopped: the process was shut down (SIGTERM or Ctrl-C) before the job finished; the target was left as it was"
        }
    }

    /// The failure text of a continuous job stopped this way after committing micro-batches.
    func message(committedMicroBatches committed: Int) -> String {
        let why: String
        switch self {
        case .request: why = "cancelled by request"
        case .timeout: why = "timed out"
        case .shutdown: why = "stopped: the process was shut down before the job's micro-batch was committed"
        }
        return "\(why); the \(committed) micro-batches committed before stay in the target, the one in progress was left out "
            + "(its messages were not acknowledged, so the next run reads them again)"
    }
}

/// A job running in this process and the way to stop it.
struct RunningJob: Sendable {
    /// Stops the run for `reason`; the first reason given is the one reported.
    let stop: @Sendable (StopReason) -> Void
    /// Asks a continuous run to commit what it has and end (`nil` for a job that ends by itself).
    let gracefulStop: (@Sendable () -> Void)?
}

/// What ``JobService/cancel(id:)`` found.
public enum CancelOutcome: Sendable, Equatable {
    /// The job was running here and is being stopped.
    case stopping
    /// The job has already ended, with this status.
    case finished(JobStatus)
    /// The job is recorded as running, but by another process (a command-line run).
    case elsewhere
    /// No job has this id.
    case unknown
}

extension JobService {
    /// The run's time limit: the job's `timeoutMs`, capped by the server-wide limit.
    func timeLimit(for spec: JobSpec) -> Duration {
        guard let ms = spec.timeoutMs, ms > 0 else { return runSettings.jobTimeout }
        return min(.milliseconds(ms), runSettings.jobTimeout)
    }

    /// Runs `body` in a task this service can stop: by ``cancel(id:)``, at `limit`, at
    /// shutdown, or when the calling task is cancelled (a schedule's own timeout). Answers the
    /// body's result and why it was stopped, if it was.
    ///
    /// A continuous run has `gracefulStop`: its limit asks it to commit what it has and end
    /// (a `completed` run) rather than stopping it.
    func runStoppably(
        jobId: String, limit: Duration, gracefulStop: (@Sendable () -> Void)? = nil, _ body: @escaping @Sendable () async -> JobOutcome
    ) async -> (JobOutcome, StopReason?) {
        let reason = Mutex<StopReason?>(nil)
        let work = Task { await body() }
        let stop: @Sendable (StopReason) -> Void = { why in
            reason.withLock { if $0 == nil { $0 = why } }
            work.cancel()
        }
        running.withLock { $0[jobId] = RunningJob(stop: stop, gracefulStop: gracefulStop) }
        let timer = Task {
            try await Task.sleep(for: limit)
            if let gracefulStop { gracefulStop() } else { stop(.timeout) }
        }
        let outcome = await withTaskCancellationHandler {
            await work.value
        } onCancel: {
            work.cancel()
        }
        timer.cancel()
        _ = running.withLock { $0.removeValue(forKey: jobId) }
        return (outcome, reason.withLock { $0 })
    }

    /// Stops job `id` if this process runs it. The run stops at its next batch boundary and
    /// leaves its target as it was; its status becomes `cancelled`.
    public func cancel(id: String) async throws -> CancelOutcome {
        if let job = running.withLock({ $0[id] }) {
            job.stop(.request)
            return .stopping
        }
        guard let record = try await store.job(id: id) else { return .unknown }
        if record.status.isFinished { return .finished(record.status) }
        // Submitted here but not yet registered as running: wait briefly for it to start.
        if record.owner == ProcessIdentity.current {
            for _ in 0..<40 {
                try await Task.sleep(for: .milliseconds(25))
                if let job = running.withLock({ $0[id] }) {
                    job.stop(.request)
                    return .stopping
                }
                if let now = try await store.job(id: id), now.status.isFinished { return .finished(now.status) }
            }
        }
        return .elsewhere
    }

    /// Stops every job running here for `reason`; answers how many there were.
    @discardableResult
    public func stopAll(_ reason: StopReason) -> Int {
        let jobs = running.withLock { Array($0.values) }
        for job in jobs { job.stop(reason) }
        return jobs.count
    }

    /// Refuses new jobs from now on (shutdown has begun).
    public func stopAccepting() {
        accepting.withLock { $0 = false }
    }

    /// Ids of the jobs running in this process now.
    public var runningJobIds: [String] { running.withLock { Array($0.keys) }.sorted() }
}

/// The process is shutting down and starts no new job.
public struct NotAcceptingJobs: Error, CustomStringConvertible {
    public var description: String { "the server is shutting down and accepts no new jobs; submit the job again once it is back" }
}

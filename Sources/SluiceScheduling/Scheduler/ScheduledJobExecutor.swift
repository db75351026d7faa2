import SluiceCore

/// What the executor is asked to run.
public struct RunRequest: Sendable, Equatable {
    /// The attempt's record id.
    public var runId: String
    /// The schedule whose job to run.
    public var scheduleId: String
    /// Why it runs.
    public var trigger: RunTrigger
    /// The fire time it belongs to.
    public var dueTime: Timestamp
    /// 1 for the first attempt.
    public var attempt: Int

    /// A request with the given fields.
    public init(runId: String, scheduleId: String, trigger: RunTrigger, dueTime: Timestamp, attempt: Int) {
        self.runId = runId
        self.scheduleId = scheduleId
        self.trigger = trigger
        self.dueTime = dueTime
        self.attempt = attempt
    }
}

/// How an execution ended, as the executor reports it.
public struct ExecutionOutcome: Sendable, Equatable {
    /// Whether the job succeeded.
    public var succeeded: Bool
    /// Why it failed.
    public var reason: String?
    /// The job that ran, if one was created.
    public var jobId: String?

    /// A success.
    public static func success(jobId: String? = nil) -> ExecutionOutcome {
        ExecutionOutcome(succeeded: true, reason: nil, jobId: jobId)
    }

    /// A failure with the reason the user sees in the run history.
    public static func failure(_ reason: String, jobId: String? = nil) -> ExecutionOutcome {
        ExecutionOutcome(succeeded: false, reason: reason, jobId: jobId)
    }
}

/// Runs a schedule's job (the lead wires this to the job service).
///
/// Timeouts and shutdown cancel the calling task: the executor must check for cancellation
/// cooperatively, roll the target back (or leave it untouched) and then return. The
/// scheduler waits for it to return before it frees the run's slot, so a cancelled run
/// never overlaps the next one.
public protocol ScheduledJobExecutor: Sendable {
    /// Runs the job of `request.scheduleId` once and reports how it went.
    func run(_ request: RunRequest) async -> ExecutionOutcome
}

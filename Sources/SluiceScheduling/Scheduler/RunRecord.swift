import SluiceCore

/// One attempt of a scheduled run, as persisted in the run history. A retry is a new record
/// with the same `dueTime` and the next `attempt`.
public struct RunRecord: Sendable, Equatable, Identifiable {
    /// Unique id of this attempt.
    public var id: String
    /// The schedule it belongs to.
    public var scheduleId: String
    /// Why it ran.
    public var trigger: RunTrigger
    /// The fire time it belongs to: the cron time for scheduled runs and their retries and
    /// dependants, the request time for manual runs.
    public var dueTime: Timestamp
    /// 1 for the first attempt, 2 for the first retry, and so on.
    public var attempt: Int
    /// Where the run is.
    public var status: RunStatus
    /// When the attempt was created (fired, queued or scheduled for retry).
    public var createdAt: Timestamp
    /// For a queued retry: the earliest time it may start.
    public var notBefore: Timestamp?
    /// When the executor was called.
    public var startedAt: Timestamp?
    /// When the run finished or was skipped.
    public var endedAt: Timestamp?
    /// Why it failed, timed out or was skipped.
    public var reason: String?
    /// The job the executor ran, whose stats the history shows.
    public var jobId: String?

    /// A record with the given fields; the times not given are unset.
    public init(
        id: String, scheduleId: String, trigger: RunTrigger, dueTime: Timestamp, attempt: Int, status: RunStatus,
        createdAt: Timestamp, notBefore: Timestamp? = nil, startedAt: Timestamp? = nil, endedAt: Timestamp? = nil,
        reason: String? = nil, jobId: String? = nil
    ) {
        self.id = id
        self.scheduleId = scheduleId
        self.trigger = trigger
        self.dueTime = dueTime
        self.attempt = attempt
        self.status = status
        self.createdAt = createdAt
        self.notBefore = notBefore
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.reason = reason
        self.jobId = jobId
    }
}

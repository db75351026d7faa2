import SluiceCore

/// Everything the scheduler needs to know about one schedule. The lead maps the stored
/// ``ScheduleSpec`` (and its last fire time) onto this.
public struct ScheduleDefinition: Sendable {
    /// Unique id of the schedule.
    public var id: String
    /// When it is due; `nil` for a schedule that only runs when triggered or through
    /// `dependsOn`.
    public var fireTimes: (any FireTimes)?
    /// Whether it fires. A disabled schedule can still be triggered by hand.
    public var enabled: Bool
    /// Schedules that must succeed first. A schedule with upstreams does not fire on its
    /// own fire times: it runs, with the upstreams' due time, once every upstream's run for
    /// that due time has succeeded, and is skipped with the reason when one of them did not.
    public var dependsOn: [String]
    /// How failed and timed-out runs are retried.
    public var retry: ScheduleRetry
    /// How long a run may take before it is cancelled and recorded as timed out.
    public var timeout: Duration?
    /// The most runs of this schedule running at once; see ``OverlapPolicy`` for the default.
    public var maxConcurrent: Int?
    /// What a firing does when the schedule is at its limit.
    public var overlap: OverlapPolicy
    /// What happens at startup to fire times missed while the server was down.
    public var catchUp: CatchUpPolicy
    /// The last fire time persisted by a previous process; catch-up starts after it.
    public var lastFireTime: Timestamp?

    /// A schedule with the given settings; by default enabled, no upstreams, no retries,
    /// no timeout, overlapping firings skipped, and the latest missed time caught up.
    public init(
        id: String, fireTimes: (any FireTimes)?, enabled: Bool = true, dependsOn: [String] = [],
        retry: ScheduleRetry = .none, timeout: Duration? = nil, maxConcurrent: Int? = nil,
        overlap: OverlapPolicy = .skip, catchUp: CatchUpPolicy = .latest, lastFireTime: Timestamp? = nil
    ) {
        self.id = id
        self.fireTimes = fireTimes
        self.enabled = enabled
        self.dependsOn = dependsOn
        self.retry = retry
        self.timeout = timeout
        self.maxConcurrent = maxConcurrent
        self.overlap = overlap
        self.catchUp = catchUp
        self.lastFireTime = lastFireTime
    }

    /// The per-schedule limit in force: `maxConcurrent`, or 1 (no limit for `allow`).
    var concurrencyLimit: Int {
        maxConcurrent ?? (overlap == .allow ? Int.max : 1)
    }

    /// Settings that are wrong on their own, whatever the other schedules.
    func validate() throws(SchedulerError) {
        if id.isEmpty { throw .invalidSetting(scheduleId: id, field: "id", reason: "must not be empty") }
        if let problem = retry.problems().first {
            throw .invalidSetting(scheduleId: id, field: "retryPolicy.\(problem.field)", reason: problem.reason)
        }
        if let timeout, timeout <= .zero {
            throw .invalidSetting(scheduleId: id, field: "timeout", reason: "must be positive")
        }
        if let maxConcurrent, maxConcurrent < 1 {
            throw .invalidSetting(scheduleId: id, field: "maxConcurrent", reason: "must be at least 1, got \(maxConcurrent)")
        }
        if dependsOn.contains(id) {
            throw .dependencyCycle([id, id])
        }
    }
}

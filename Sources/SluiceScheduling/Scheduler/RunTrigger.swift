/// Why a run happened.
public enum RunTrigger: String, Sendable, Equatable, CaseIterable {
    /// A fire time of the schedule came (including fire times caught up after a restart).
    case scheduled
    /// A failed or timed-out attempt is being tried again.
    case retry
    /// Someone asked for a run now.
    case manual
    /// All the schedule's upstream schedules succeeded for a due time.
    case dependency
}

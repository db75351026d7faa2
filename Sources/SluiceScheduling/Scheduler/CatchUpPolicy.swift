/// What happens, at startup, to fire times that passed while the server was down
/// (those after the schedule's persisted last fire time and not after the start).
public enum CatchUpPolicy: String, Sendable, Equatable, CaseIterable {
    /// Missed fire times are dropped; the schedule resumes with its next future time.
    case none
    /// Only the most recent missed fire time runs.
    case latest
    /// Every missed fire time runs, oldest first, queued one after another whatever the
    /// overlap policy (at most
    /// ``SchedulerConfiguration/catchUpLimit`` of the most recent ones).
    case all
}

/// Where a run is in its life.
public enum RunStatus: String, Sendable, Equatable, CaseIterable {
    /// Waiting for a free slot or for its retry time.
    case queued
    /// The executor is running it.
    case running
    /// The executor reported success.
    case succeeded
    /// The executor reported failure, or the run was interrupted.
    case failed
    /// The run exceeded its timeout and was cancelled.
    case timedOut
    /// The run never started; `reason` says why.
    case skipped

    /// Whether the run is over.
    public var isFinished: Bool {
        switch self {
        case .queued, .running: return false
        case .succeeded, .failed, .timedOut, .skipped: return true
        }
    }

    /// Whether a run ending this way is tried again under the retry policy.
    var isRetryable: Bool { self == .failed || self == .timedOut }
}

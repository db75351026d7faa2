/// Where a run is in its life. A finished run says `completed` or `failed` as jobs do;
/// `queued`, `timedOut` and `skipped` are what only a schedule's runs can be.
public enum RunStatus: String, Sendable, Equatable, CaseIterable {
    /// Waiting for a free slot or for its retry time.
    case queued
    /// The executor is running it.
    case running
    /// The executor reported success.
    case completed
    /// The executor reported failure, or the run was interrupted.
    case failed
    /// The run exceeded its timeout and was cancelled.
    case timedOut
    /// The run never started; `reason` says why.
    case skipped

    /// The status stored as `text`; `succeeded`, which runs said before they spoke as jobs
    /// do, reads as ``completed``.
    public init?(stored text: String) {
        self.init(rawValue: text == "succeeded" ? "completed" : text)
    }

    /// Whether the run is over.
    public var isFinished: Bool {
        switch self {
        case .queued, .running: return false
        case .completed, .failed, .timedOut, .skipped: return true
        }
    }

    /// Whether a run ending this way is tried again under the retry policy.
    var isRetryable: Bool { self == .failed || self == .timedOut }
}

/// Where a job is in its life: submitted, running, or finished one way or the other
/// (`cancelled` when stopped by `POST /jobs/:id/cancel`; a timeout or a crash is `failed`).
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, completed, failed, cancelled

    /// Whether the job has ended.
    public var isFinished: Bool { self == .completed || self == .failed || self == .cancelled }
}

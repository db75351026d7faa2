/// Where a job is in its life: submitted, running, or finished one way or the other.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, completed, failed
}

import SluiceCore

/// A job as the state store keeps it: its spec, where it is, and how its run went.
public struct JobRecord: Codable, Sendable, Equatable {
    /// The job's id (`job_<millis>` unless the caller chose one).
    public var id: String
    /// The job's human name.
    public var name: String
    /// Where the job is in its life.
    public var status: JobStatus
    /// The spec as submitted; the caller redacts secrets before storing it.
    public var spec: JobSpec
    /// The run's counters, once it has started.
    public var stats: JobStats?
    /// Why the job failed as a whole (source unreachable, target refused), if it did.
    public var error: String?
    /// When the job was submitted, in milliseconds since the Unix epoch.
    public var createdAt: Int64
    /// The process running the job while it is pending or running (``ProcessIdentity``), so
    /// the next start of a server or command line can tell a job whose process died.
    public var owner: String?

    public init(
        id: String, name: String, status: JobStatus, spec: JobSpec, stats: JobStats? = nil, error: String? = nil,
        createdAt: Int64, owner: String? = nil
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.spec = spec
        self.stats = stats
        self.error = error
        self.createdAt = createdAt
        self.owner = owner
    }
}

import SluiceCore

/// A record in the dead-letter queue: refused during a run, kept for inspection and retry.
public struct DeadLetter: Codable, Sendable, Equatable {
    /// The store-assigned id; increasing in insertion order and never reused.
    public var id: Int64
    /// The job whose run refused the record.
    public var jobId: String
    /// The record as it was when it failed. It is stored as JSON, so a timestamp inside it
    /// comes back as its ISO 8601 string.
    public var record: Value
    /// Why it was refused.
    public var error: String
    /// The record's position in the source, when known.
    public var position: Int?
    /// The stage that refused it (`validation`, `transforms[1]`, `target`, `retry`).
    public var stage: String
    /// When it was refused (or last retried), in milliseconds since the Unix epoch.
    public var timestamp: Int64

    public init(id: Int64, jobId: String, record: Value, error: String, position: Int? = nil, stage: String, timestamp: Int64) {
        self.id = id
        self.jobId = jobId
        self.record = record
        self.error = error
        self.position = position
        self.stage = stage
        self.timestamp = timestamp
    }
}

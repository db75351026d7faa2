import SluiceCore

/// A dead letter about to be stored; the store assigns its id.
public struct NewDeadLetter: Sendable, Equatable {
    /// The job whose run refused the record.
    public var jobId: String
    /// The refused record.
    public var record: Value
    /// Why it was refused.
    public var error: String
    /// The record's position in the source, when known.
    public var position: Int?
    /// The stage that refused it.
    public var stage: String
    /// When it was refused, in milliseconds since the Unix epoch.
    public var timestamp: Int64

    public init(jobId: String, record: Value, error: String, position: Int? = nil, stage: String, timestamp: Int64) {
        self.jobId = jobId
        self.record = record
        self.error = error
        self.position = position
        self.stage = stage
        self.timestamp = timestamp
    }
}

import SluiceCore

/// One record that failed during a run, as kept in a job's stats (the runner keeps only the
/// first few; all of them go to the dead-letter queue).
public struct RecordError: Codable, Sendable, Equatable {
    /// The record as it was when it failed.
    public var record: Value
    /// What went wrong, in words a user can act on.
    public var error: String
    /// The record's position in the source (line or record number), when known.
    public var position: Int?
    /// The stage that refused it (`validation`, `transforms[1]`, `target`), when known.
    public var stage: String?

    public init(record: Value, error: String, position: Int? = nil, stage: String? = nil) {
        self.record = record
        self.error = error
        self.position = position
        self.stage = stage
    }
}

/// A record that a stage refused, bound for the dead-letter queue.
public struct Rejection: Sendable, Equatable {
    /// The record as far as it could be read: an object, or the raw text of an unparsable line.
    public var record: Value
    /// Every reason the record failed, in the order found.
    public var reasons: [String]
    /// Where the record was in its source (line or record number), when known.
    public var position: Int?
    /// The stage that refused it (`source`, `validation`, `transforms[1]`, `target`).
    public var stage: String

    public init(record: Value, reasons: [String], position: Int?, stage: String) {
        self.record = record
        self.reasons = reasons
        self.position = position
        self.stage = stage
    }

    /// The reasons as one message, as a DLQ entry's `error` field carries it.
    public var message: String { reasons.joined(separator: "; ") }
}

/// What a stage produced from one batch: the records that go on, and those it refused.
public struct BatchResult: Sendable {
    /// The records that go on to the next stage.
    public var batch: RecordBatch
    /// The records refused, with their reasons.
    public var rejected: [Rejection]

    public init(batch: RecordBatch, rejected: [Rejection] = []) {
        self.batch = batch
        self.rejected = rejected
    }
}

import SluiceCore

/// What one run of a job produced.
public struct JobOutcome: Sendable {
    /// Counts, timings and the first errors.
    public var stats: JobStats
    /// Every refused record, bound for the dead-letter queue (empty when the run failed).
    public var rejections: [Rejection]
    /// The job-level failure, when the run failed.
    public var failure: String?
    /// The fields that entered each transform and the target, for column-level lineage:
    /// index 0 is the validated source output, index i + 1 the output of transform i.
    public var stageFields: [[String]]
    /// The types the source declared (a Parquet or Avro schema), by field, and those still
    /// holding at the target; empty when the source declares none.
    public var declaredTypes: (source: [String: String], target: [String: String]) = ([:], [:])
    /// Records that reached the target.
    public var loadedRecords: [ValueObject]?
    /// The watermark to store for an incremental source once the run succeeded (`nil`: no
    /// new rows, or not incremental).
    public var watermark: Watermark?
}

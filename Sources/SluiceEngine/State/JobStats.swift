/// The counters and timings of one run of a job.
public struct JobStats: Codable, Sendable, Equatable {
    /// When the run started, in milliseconds since the Unix epoch.
    public var startTime: Int64
    /// When the run ended, in milliseconds since the Unix epoch; `nil` while it runs.
    public var endTime: Int64?
    /// Records read from the source.
    public var recordsExtracted: Int
    /// Records that came out of the last transform.
    public var recordsTransformed: Int
    /// Records the target accepted.
    public var recordsLoaded: Int
    /// Records refused anywhere (they are in the dead-letter queue).
    public var recordsErrored: Int
    /// The first record errors (the runner caps how many it keeps here).
    public var errors: [RecordError]
    /// Time spent per phase.
    public var phases: PhaseTimings
    /// Bytes read from the source.
    public var bytesRead: Int
    /// Bytes written to the target.
    public var bytesWritten: Int
    /// Workers, peak memory and CPU time of the run (absent in stats from before they were recorded).
    public var resources: RunResources?
    /// A continuous job's micro-batches, last commit and consumer lag (absent for other jobs).
    public var streaming: StreamingStats?

    public init(
        startTime: Int64, endTime: Int64? = nil, recordsExtracted: Int = 0, recordsTransformed: Int = 0,
        recordsLoaded: Int = 0, recordsErrored: Int = 0, errors: [RecordError] = [], phases: PhaseTimings = PhaseTimings(),
        bytesRead: Int = 0, bytesWritten: Int = 0
    ) {
        self.startTime = startTime
        self.endTime = endTime
        self.recordsExtracted = recordsExtracted
        self.recordsTransformed = recordsTransformed
        self.recordsLoaded = recordsLoaded
        self.recordsErrored = recordsErrored
        self.errors = errors
        self.phases = phases
        self.bytesRead = bytesRead
        self.bytesWritten = bytesWritten
        self.resources = nil
    }
}

/// How far a continuous job has come: what it committed and how much waits in its source.
public struct StreamingStats: Codable, Sendable, Equatable {
    /// Micro-batches committed (and acknowledged to the source) in this run.
    public var microBatches: Int
    /// When the last micro-batch was committed, in milliseconds since the Unix epoch.
    public var lastCommitAt: Int64?
    /// Records in the last committed micro-batch.
    public var lastCommitRecords: Int
    /// Messages waiting in the source beyond what the job has taken, as the source last told
    /// (a consumer group's lag); `nil` when it cannot tell.
    public var consumerLag: Int?

    public init(microBatches: Int = 0, lastCommitAt: Int64? = nil, lastCommitRecords: Int = 0, consumerLag: Int? = nil) {
        self.microBatches = microBatches
        self.lastCommitAt = lastCommitAt
        self.lastCommitRecords = lastCommitRecords
        self.consumerLag = consumerLag
    }
}

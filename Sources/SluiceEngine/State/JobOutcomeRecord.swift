/// Everything a finished run leaves in the state database, recorded together by
/// ``JobStore/recordOutcome(_:)`` so a crash can never leave half of it: the job with its
/// status and stats, its dead letters, its lineage, its phase timings and, for an
/// incremental source, its new watermark.
public struct JobOutcomeRecord: Sendable {
    /// The job as it finished.
    public var job: JobRecord
    /// Records refused by the run (empty when the run failed as a whole).
    public var deadLetters: [NewDeadLetter]
    /// The run's lineage (empty when the run failed).
    public var lineage: LineageGraph
    /// Milliseconds per phase.
    public var phaseDurations: [Phase: Double]
    /// When the durations were taken (epoch milliseconds).
    public var recordedAt: Int64
    /// The incremental source's new watermark, saved only with a successful run.
    public var watermark: WatermarkRecord?

    public init(
        job: JobRecord, deadLetters: [NewDeadLetter] = [], lineage: LineageGraph = LineageGraph(nodes: [], edges: []),
        phaseDurations: [Phase: Double] = [:], recordedAt: Int64, watermark: WatermarkRecord? = nil
    ) {
        self.job = job
        self.deadLetters = deadLetters
        self.lineage = lineage
        self.phaseDurations = phaseDurations
        self.recordedAt = recordedAt
        self.watermark = watermark
    }
}

import SluiceCore

/// What the service gives a continuous run (a job whose source never ends, see
/// ``MicroBatchPlan``): how a graceful stop is asked for, and what is done after each
/// micro-batch's commit.
public struct ContinuousHooks: Sendable {
    /// Whether a graceful stop was asked for: the run commits the micro-batch in progress,
    /// acknowledges it and ends.
    public let stopRequested: @Sendable () -> Bool
    /// Called after each micro-batch's commit and before the source is told: records the
    /// stats and dead letters durably. A throw fails the run; the source is then not told, so
    /// the micro-batch is read again (at-least-once).
    public let committed: @Sendable (MicroBatchReport) async throws -> Void

    public init(stopRequested: @escaping @Sendable () -> Bool, committed: @escaping @Sendable (MicroBatchReport) async throws -> Void) {
        self.stopRequested = stopRequested
        self.committed = committed
    }
}

/// One committed micro-batch of a continuous run.
public struct MicroBatchReport: Sendable {
    /// Micro-batches committed so far in the run, this one included.
    public var number: Int
    /// The run's stats so far (counts since the run started).
    public var stats: JobStats
    /// The records refused since the previous micro-batch, for the dead-letter queue.
    public var rejections: [Rejection]
}

import SluiceCore
import SluiceOperators

/// A job spec resolved into configured components, checked before anything runs.
public struct JobPlan: Sendable {
    /// The spec as submitted (secrets unresolved).
    public let spec: JobSpec
    /// The source.
    public let source: any Source
    /// Schema validation, when the job has a schema.
    public let validator: SchemaValidator?
    /// The transforms, in order, with their spec names.
    public let transforms: [Step]
    /// The target.
    public let target: any Target
    /// How the source is read.
    public let read: ReadStrategy
    /// How records reach the target.
    public let write: WriteStrategy
    /// The source itself, when it can leave out rows before an incremental watermark.
    public let incrementalPushdown: (any IncrementalSource)?
    /// The values the spec's `${env:…}` references resolved to, scrubbed from every message
    /// of the run (its failure, dead-letter reasons, lineage names).
    public var secrets = SecretValues()
    /// How the job commits when its source never ends (``Source/isContinuous``); `nil` for a
    /// job that reads what is there and commits once.
    public var microBatches: MicroBatchPlan?

    /// One transform of the plan.
    public struct Step: Sendable {
        /// `transforms[i]`.
        public let path: String
        /// The spec's operation name.
        public let operation: String
        /// The spec's informational `field`.
        public let field: String?
        /// The configured transform.
        public let transform: PlannedTransform
    }
}

/// How a continuous job commits. A micro-batch ends at ``commitEvery`` records or
/// ``commitInterval`` after its first record, whichever comes first; the target commits it,
/// the service records its stats and dead letters, and only then is it acknowledged to the
/// source. The first micro-batch writes to the plan's target, the later ones to
/// ``laterTarget`` (see ``ContinuingTarget``).
public struct MicroBatchPlan: Sendable {
    /// Records that end a micro-batch.
    public let commitEvery: Int
    /// How long after its first record a micro-batch is committed at the latest.
    public let commitInterval: Duration
    /// The target the micro-batches after the first one write to.
    public let laterTarget: any Target
}

/// How a job's source is read, decided by the planner from what the source can do.
public enum ReadStrategy: Sendable {
    /// One reader streams batches (a JSON document, an API answer, a database table).
    case stream
    /// The input is cut into blocks of whole records that up to `MAX_WORKERS` workers decode,
    /// validate and transform at once, taken back in input order (CSV and NDJSON files).
    case blocks(any SplittableSource)
}

/// How a job's records reach its target, decided by the planner.
public enum WriteStrategy: Sendable {
    /// Batches go to the writer, which may refuse single records (a database constraint):
    /// those go to the dead-letter queue with the target's reason.
    case records
    /// Workers encode batches with the target's encoder (NDJSON) and the writer appends the
    /// bytes in order.
    case preEncoded(@Sendable (RecordBatch) -> [UInt8])
}

/// Why a spec cannot run: every problem found, and whether one is a forbidden path.
public struct JobPlanError: Error, Sendable, CustomStringConvertible {
    /// The problems, in document order.
    public var errors: [SpecError]
    /// Whether a problem is a file path outside the data roots (HTTP 403 rather than 400).
    public var forbidden: Bool

    public init(errors: [SpecError], forbidden: Bool = false) {
        self.errors = errors
        self.forbidden = forbidden
    }

    public var description: String { errors.map(\.message).joined(separator: "\n") }
}

import Logging

/// What a component may use when it is built from its spec: the limits and policies of the
/// process it runs in. Components never read the environment or create loggers themselves.
public struct ComponentContext: Sendable {
    /// Directories that file sources and targets may touch.
    public var dataRoots: DataRoots
    /// Default records per batch (`BATCH_SIZE`).
    public var batchSize: Int
    /// The schema records are validated against, if the job has one (sources use it to type
    /// untyped input such as CSV cells).
    public var schema: SchemaSpec?
    /// The logger of the job.
    public var logger: Logger
    /// Objects shared by every job of the process (database connection pools).
    public var resources: SharedResources
    /// Whether a target must make the whole job's writes visible at once, in one transaction
    /// committed by ``TargetWriter/commit()``, even when its config asks to commit batch by
    /// batch (database targets write one transaction per job by default anyway; this makes it
    /// a must). Set for incremental jobs, whose planner also refuses `commit: "batch"`: a run
    /// that fails mid-way then leaves neither rows nor a new watermark, so the next run loads
    /// every row exactly once.
    public var atomicWrites: Bool
    /// The id of the job the component belongs to; temporary files and staging tables carry
    /// it, so what a dead process left behind can be told apart and removed.
    public var jobId: String
    /// Where temporary files are recorded before they are created (see ``ScratchLedger``).
    public var scratch: ScratchLedger
    /// The server's standard cloud credential variables (`AWS_ACCESS_KEY_ID`,
    /// `GOOGLE_APPLICATION_CREDENTIALS`, `AZURE_STORAGE_KEY`, …), which object stores fall
    /// back on when their `storage` settings give no credentials.
    public var cloudEnvironment: [String: String] = [:]

    public init(
        dataRoots: DataRoots, batchSize: Int = 4096, schema: SchemaSpec? = nil, logger: Logger = Logger(label: "sluice"),
        resources: SharedResources = SharedResources(), atomicWrites: Bool = false, jobId: String = "adhoc",
        scratch: ScratchLedger = .disabled
    ) {
        self.dataRoots = dataRoots
        self.batchSize = batchSize
        self.schema = schema
        self.logger = logger
        self.resources = resources
        self.atomicWrites = atomicWrites
        self.jobId = jobId
        self.scratch = scratch
    }
}

/// A component built from a typed configuration that it validates in `init`.
public protocol ConfiguredComponent: Sendable {
    /// The component's settings as they appear under `config` in the job spec.
    associatedtype Config: Decodable & Sendable
    /// What the component does, its config keys and its examples (see ``ComponentDeclaration``).
    static var declaration: ComponentDeclaration { get }
    /// Builds the component, throwing a ``SpecError`` (path relative to `config`) when the
    /// configuration is unusable.
    init(config: Config, context: ComponentContext) throws
}

/// How one output field is derived, for column-level lineage.
public struct FieldDerivation: Sendable, Equatable, Codable {
    /// The output field.
    public var output: String
    /// The input fields it is computed from (empty for constants).
    public var inputs: [String]
    /// How (`copy`, `rename`, `sum`, `split`, …).
    public var how: String

    public init(output: String, inputs: [String], how: String) {
        self.output = output
        self.inputs = inputs
        self.how = how
    }
}

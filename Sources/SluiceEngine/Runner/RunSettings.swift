/// How a run may use the machine: workers, memory, block size and time.
public struct RunSettings: Sendable {
    /// Blocks decoded and transformed at once (`MAX_WORKERS`).
    public var workers: Int
    /// The budget for what a job holds: stateful transforms' state and lookup data sets
    /// (`MAX_MEMORY_MB`).
    public var memoryLimitBytes: Int
    /// Bytes per block when a file is cut for parallel decoding.
    public var blockBytes: Int
    /// Where runs put what does not fit in their memory budget (`SLUICE_SPILL_DIR`).
    public var spillDirectory: String = RunSettings.defaultSpillDirectory
    /// The server-wide memory pool that jobs' budgets are taken from (`SLUICE_MAX_MEMORY_MB`);
    /// `nil` gives every run its whole `memoryLimitBytes`.
    public var memoryPool: MemoryPool?
    /// The longest any run may take (`SLUICE_JOB_TIMEOUT_S`); a job's `timeoutMs` can only
    /// shorten it.
    public var jobTimeout: Duration = .seconds(86_400)

    /// Bytes per block by default: large enough to amortize the hand-off, small enough that
    /// `workers × 2` blocks in flight stay a few tens of MB.
    public static let defaultBlockBytes = 4 << 20

    /// The spill directory when `SLUICE_SPILL_DIR` is not set: the system's temporary directory.
    public static var defaultSpillDirectory: String { "/tmp/sluice-spill" }

    public init(workers: Int = 1, memoryLimitMB: Int = 2048, blockBytes: Int = RunSettings.defaultBlockBytes) {
        self.workers = max(1, workers)
        self.memoryLimitBytes = memoryLimitMB << 20
        self.blockBytes = blockBytes
    }

    /// The settings of this process.
    public init(_ settings: SluiceSettings) {
        self.init(workers: settings.maxWorkers, memoryLimitMB: settings.maxMemoryMB, blockBytes: settings.blockBytes)
        jobTimeout = .seconds(settings.jobTimeoutSeconds)
        spillDirectory = settings.spillDirectory
        memoryPool = MemoryPool(limitBytes: settings.serverMemoryMB << 20)
    }
}

/// What a run used: workers, memory, disk for spilling and CPU.
public struct RunResources: Codable, Sendable, Equatable {
    /// Workers the run used (1 when its source cannot be split).
    public var workers: Int
    /// The highest resident memory of the process seen during the run, in bytes.
    public var peakMemoryBytes: Int
    /// What the run's stateful steps and lookup data held in memory at most, in bytes.
    public var peakStateBytes: Int
    /// CPU time (user + system) of the process during the run, in milliseconds.
    public var cpuTimeMs: Double
    /// Wall time of the run, in milliseconds.
    public var wallTimeMs: Double
    /// The memory budget the run was given, in bytes (`MAX_MEMORY_MB`, or less when the
    /// server-wide `SLUICE_MAX_MEMORY_MB` had less left).
    public var memoryBudgetBytes: Int
    /// Bytes stateful steps wrote to spill files because their state outgrew the budget.
    public var spilledBytes: Int
    /// Spill files created.
    public var spillFiles: Int
    /// Time spent writing and reading spill files, in milliseconds.
    public var spillTimeMs: Double

    public init(
        workers: Int, peakMemoryBytes: Int, peakStateBytes: Int, cpuTimeMs: Double, wallTimeMs: Double,
        memoryBudgetBytes: Int = 0, spilledBytes: Int = 0, spillFiles: Int = 0, spillTimeMs: Double = 0
    ) {
        self.workers = workers
        self.peakMemoryBytes = peakMemoryBytes
        self.peakStateBytes = peakStateBytes
        self.cpuTimeMs = cpuTimeMs
        self.wallTimeMs = wallTimeMs
        self.memoryBudgetBytes = memoryBudgetBytes
        self.spilledBytes = spilledBytes
        self.spillFiles = spillFiles
        self.spillTimeMs = spillTimeMs
    }

    enum CodingKeys: String, CodingKey {
        case workers, peakMemoryBytes, peakStateBytes, cpuTimeMs, wallTimeMs, memoryBudgetBytes, spilledBytes, spillFiles, spillTimeMs
    }

    /// Reads resources stored before the spill figures existed as having spilled nothing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workers = try c.decode(Int.self, forKey: .workers)
        peakMemoryBytes = try c.decode(Int.self, forKey: .peakMemoryBytes)
        peakStateBytes = try c.decode(Int.self, forKey: .peakStateBytes)
        cpuTimeMs = try c.decode(Double.self, forKey: .cpuTimeMs)
        wallTimeMs = try c.decode(Double.self, forKey: .wallTimeMs)
        memoryBudgetBytes = try c.decodeIfPresent(Int.self, forKey: .memoryBudgetBytes) ?? 0
        spilledBytes = try c.decodeIfPresent(Int.self, forKey: .spilledBytes) ?? 0
        spillFiles = try c.decodeIfPresent(Int.self, forKey: .spillFiles) ?? 0
        spillTimeMs = try c.decodeIfPresent(Double.self, forKey: .spillTimeMs) ?? 0
    }
}

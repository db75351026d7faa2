/// What a run used: workers, memory and CPU.
public struct RunResources: Codable, Sendable, Equatable {
    /// Workers the run used (1 when its source cannot be split).
    public var workers: Int
    /// The highest resident memory of the process seen during the run, in bytes.
    public var peakMemoryBytes: Int
    /// What the run's stateful steps and lookup data held at most, in bytes (the figure
    /// `MAX_MEMORY_MB` limits).
    public var peakStateBytes: Int
    /// CPU time (user + system) of the process during the run, in milliseconds.
    public var cpuTimeMs: Double
    /// Wall time of the run, in milliseconds.
    public var wallTimeMs: Double

    public init(workers: Int, peakMemoryBytes: Int, peakStateBytes: Int, cpuTimeMs: Double, wallTimeMs: Double) {
        self.workers = workers
        self.peakMemoryBytes = peakMemoryBytes
        self.peakStateBytes = peakStateBytes
        self.cpuTimeMs = cpuTimeMs
        self.wallTimeMs = wallTimeMs
    }
}

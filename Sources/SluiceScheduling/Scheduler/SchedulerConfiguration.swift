/// Settings of the scheduler as a whole.
public struct SchedulerConfiguration: Sendable {
    /// `MAX_CONCURRENT_JOBS`: scheduled runs running at once across all schedules; runs over
    /// it wait in the queue.
    public var maxConcurrentJobs: Int
    /// `SCHEDULER_CATCH_UP_LIMIT`: with catch-up `all`, the most missed fire times run per
    /// schedule at startup (the most recent ones); the older ones are logged and dropped.
    public var catchUpLimit: Int
    /// Seed of the retry-jitter generator; `nil` seeds it from the system generator.
    public var jitterSeed: UInt64?
    /// Makes the id of a new run record.
    public var makeRunID: @Sendable () -> String

    /// The default of ``maxConcurrentJobs``.
    public static let defaultMaxConcurrentJobs = 4
    /// The default of ``catchUpLimit``.
    public static let defaultCatchUpLimit = 100

    /// A configuration with the given settings; by default 4 concurrent jobs, 100 catch-up
    /// runs, randomly seeded jitter and random run ids.
    public init(
        maxConcurrentJobs: Int = SchedulerConfiguration.defaultMaxConcurrentJobs,
        catchUpLimit: Int = SchedulerConfiguration.defaultCatchUpLimit,
        jitterSeed: UInt64? = nil,
        makeRunID: @escaping @Sendable () -> String = SchedulerConfiguration.randomRunID
    ) {
        self.maxConcurrentJobs = max(1, maxConcurrentJobs)
        self.catchUpLimit = max(1, catchUpLimit)
        self.jitterSeed = jitterSeed
        self.makeRunID = makeRunID
    }

    /// `run_` and 16 random hex digits.
    @Sendable public static func randomRunID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bits = generator.next() as UInt64
        let hex = String(bits, radix: 16)
        return "run_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

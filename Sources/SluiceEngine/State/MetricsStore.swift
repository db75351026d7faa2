/// Persistence of per-phase run durations, for `/performance`.
public protocol MetricsStore: Sendable {
    /// Records one run's phase durations in milliseconds, taken at `at` (epoch milliseconds).
    func recordPhaseDurations(jobId: String, _ durations: [Phase: Double], at: Int64) async throws
    /// Every recorded duration of `phase`, oldest first.
    func phaseDurations(_ phase: Phase) async throws -> [Double]
}

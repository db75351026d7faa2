/// Persistence of jobs and their outcome.
public protocol JobStore: Sendable {
    /// Inserts `job`, or replaces the stored job with the same id.
    func saveJob(_ job: JobRecord) async throws
    /// The job with `id`, or `nil`.
    func job(id: String) async throws -> JobRecord?
    /// All jobs, oldest first (by `createdAt`, then id).
    func jobs() async throws -> [JobRecord]
    /// The jobs that have not finished (pending or running), oldest first. Finished jobs are
    /// neither returned nor decoded, so a long history does not slow down a start.
    func unfinishedJobs() async throws -> [JobRecord]
    /// The number of stored jobs.
    func jobCount() async throws -> Int
    /// Records a finished run (the job, its dead letters, lineage, phase timings and new
    /// watermark) in one transaction.
    func recordOutcome(_ outcome: JobOutcomeRecord) async throws
}

import SluiceCore

extension JobService {
    /// Validates (plans) `pipeline`'s job and saves it, replacing one with the same id when
    /// `replacing` is set. Plan errors have paths under `job` (`job.source.config.path`).
    ///
    /// A saved pipeline runs later, so it cannot hold a literal secret (a password, a token)
    /// without storing it in clear text: secrets must be `${env:NAME}` references, which are
    /// resolved when the pipeline runs. A literal secret is refused with its path.
    public func savePipeline(_ pipeline: PipelineSpec, replacing: Bool) async throws -> PipelineRecord {
        do {
            _ = try planner.plan(pipeline.job)
        } catch {
            throw ScheduleError.invalidJob(JobPlanError(errors: error.errors.map { $0.prefixed("job") }, forbidden: error.forbidden))
        }
        for (path, config) in [("job.source.config", pipeline.job.source.config), ("job.target.config", pipeline.job.target.config)]
        where Secrets.redact(config) != config {
            throw ScheduleError.invalid(
                SpecError(path: path, "a saved pipeline cannot hold a literal secret; write it as ${env:NAME} and set NAME in the server's environment"))
        }
        let existing = try await store.pipeline(id: pipeline.id)
        if existing != nil, !replacing { throw ScheduleError.duplicate(pipeline.id) }
        let stored = pipeline
        let now = JobRunner.wallClockMilliseconds()
        let record = PipelineRecord(spec: stored, createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.savePipeline(record)
        return record
    }
}

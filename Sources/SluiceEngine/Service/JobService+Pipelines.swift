import SluiceCore

extension JobService {
    /// Validates (plans) `pipeline`'s job and saves it, replacing one with the same id when
    /// `replacing` is set. Plan errors have paths under `job` (`job.source.config.path`).
    ///
    /// A saved pipeline runs later, so it cannot hold a literal secret (a password, a token,
    /// a URL's password or secret-looking query parameter) without storing it in clear text:
    /// secrets must be `${env:NAME}` references, which are resolved when the pipeline runs. A
    /// literal secret is refused with its path (`job.source.config.url`).
    public func savePipeline(_ pipeline: PipelineSpec, replacing: Bool) async throws -> PipelineRecord {
        do {
            _ = try planner.plan(pipeline.job)
        } catch {
            throw ScheduleError.invalidJob(JobPlanError(errors: error.errors.map { $0.prefixed("job") }, forbidden: error.forbidden))
        }
        if let path = Secrets.literalSecretPaths(in: pipeline.job).first {
            throw ScheduleError.invalid(SpecError(path: SpecPath.join("job", path), Self.literalSecretRefusal("a saved pipeline")))
        }
        let existing = try await store.pipeline(id: pipeline.id)
        if existing != nil, !replacing { throw ScheduleError.duplicate(pipeline.id) }
        let stored = pipeline
        let now = JobRunner.wallClockMilliseconds()
        let record = PipelineRecord(spec: stored, createdAt: existing?.createdAt ?? now, updatedAt: now)
        try await store.savePipeline(record)
        return record
    }

    /// Why a stored spec (`what`: "a saved pipeline", "a scheduled job") with a literal secret is refused.
    static func literalSecretRefusal(_ what: String) -> String {
        "\(what) cannot hold a literal secret; write it as ${env:NAME}, set NAME in the server's environment "
            + "and allow it with \(SecretAllowList.variable)"
    }
}

import Logging
import SluiceCore
import Synchronization

/// The engine's front door: submits, runs and inspects jobs, and owns the state store.
///
/// The HTTP server and the CLI are thin layers over this type.
public final class JobService: Sendable {
    /// The state store.
    public let store: any StateStore
    /// Builds plans from specs.
    public let planner: JobPlanner
    /// Checks and decodes submitted specs against the planner's components.
    public let reader: SpecReader
    /// Workers and memory limit of each run.
    public let runSettings: RunSettings
    let logger: Logger
    let started = ContinuousClock.now
    let ids = JobIDGenerator()
    let running = Mutex<[String: Task<Void, Never>]>([:])

    public init(store: any StateStore, planner: JobPlanner, runSettings: RunSettings = RunSettings(), logger: Logger) {
        self.store = store
        self.planner = planner
        self.reader = SpecReader(registry: planner.registry)
        self.runSettings = runSettings
        self.logger = logger
    }

    /// Marks jobs that were running when the process last stopped as failed, so no job stays
    /// "running" forever after a crash or kill.
    public func recoverInterruptedJobs() async throws {
        for var job in try await store.jobs() where job.status == .running || job.status == .pending {
            job.status = .failed
            job.error = "interrupted: the server stopped before the job finished; submit it again"
            try await store.saveJob(job)
            logger.warning("marked interrupted job as failed", metadata: ["jobId": "\(job.id)"])
        }
    }

    /// How ``execute(_:mode:progress:)`` runs a job.
    public enum ExecutionMode: Sendable {
        /// Runs the job to the end and answers its finished record.
        case wait
        /// Starts the job in the background and answers its pending record (``drain()`` waits).
        case background
    }

    /// The one way a job runs, from HTTP, the command line and the scheduler alike: plans the
    /// spec (every problem thrown as a ``JobPlanError``), records it as pending, runs it now or
    /// in the background, and records its outcome in one transaction.
    ///
    /// Throws ``DuplicateJobID`` when the spec names an id that is taken.
    public func execute(
        _ spec: JobSpec, mode: ExecutionMode = .wait, progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async throws -> JobRecord {
        if let id = spec.id, !id.isEmpty, try await store.job(id: id) != nil { throw DuplicateJobID(id: id) }
        let (record, plan) = try await submit(spec)
        switch mode {
        case .wait:
            return try await run(record, plan: plan, progress: progress)
        case .background:
            start(record, plan: plan)
            return record
        }
    }

    /// Checks a spec without running it.
    public func plan(_ spec: JobSpec) throws(JobPlanError) -> JobPlan { try planner.plan(spec) }

    /// Plans `spec` and records it as a pending job.
    public func submit(_ spec: JobSpec) async throws -> (JobRecord, JobPlan) {
        let plan = try planner.plan(spec)
        let now = JobRunner.wallClockMilliseconds()
        let id: String
        if let given = spec.id, !given.isEmpty {
            id = given
        } else {
            id = ids.next(now: now)
        }
        var stored = spec
        stored.id = id
        stored.source.config = Secrets.redact(stored.source.config)
        stored.target.config = Secrets.redact(stored.target.config)
        stored.transforms = stored.transforms.map { var t = $0; t.config = Secrets.redact(t.config); return t }
        let record = JobRecord(id: id, name: spec.name, status: .pending, spec: stored, stats: nil, error: nil, createdAt: now)
        try await store.saveJob(record)
        return (record, plan)
    }

    /// Runs a submitted job to the end and records its outcome.
    public func run(
        _ record: JobRecord, plan: JobPlan, progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async throws -> JobRecord {
        var job = record
        job.status = .running
        try await store.saveJob(job)
        var jobLogger = logger
        jobLogger[metadataKey: "jobId"] = "\(job.id)"
        jobLogger.info("job started", metadata: ["name": "\(job.name)"])
        let watermarkKey = plan.watermarkKey
        var stored: WatermarkRecord?
        if let watermarkKey { stored = try await store.watermark(key: watermarkKey) }
        let outcome = await JobRunner.run(
            plan, settings: runSettings, watermark: stored?.watermark, logger: jobLogger, progress: progress)
        job.stats = outcome.stats
        job.status = outcome.failure == nil ? .completed : .failed
        job.error = outcome.failure
        var record = JobOutcomeRecord(
            job: job,
            phaseDurations: [
                .extraction: outcome.stats.phases.extractionMs, .transformation: outcome.stats.phases.transformationMs,
                .loading: outcome.stats.phases.loadingMs,
            ],
            recordedAt: outcome.stats.endTime ?? outcome.stats.startTime)
        if outcome.failure == nil {
            // Saved only now that the target has committed: a run that failed before its
            // commit leaves the old watermark, so the next run reads the same rows again.
            if let watermarkKey, let watermark = outcome.watermark, let cursorField = plan.spec.source.incremental?.cursorField {
                record.watermark = WatermarkRecord(
                    key: watermarkKey, cursorField: cursorField, watermark: watermark, jobId: job.id,
                    updatedAt: outcome.stats.endTime ?? JobRunner.wallClockMilliseconds())
            }
            record.deadLetters = outcome.rejections.map { deadLetter($0, jobId: job.id) }
            record.lineage = LineageBuilder.graph(jobId: job.id, plan: plan, stageFields: outcome.stageFields)
        }
        try await store.recordOutcome(record)
        if let watermark = record.watermark {
            jobLogger.info("watermark saved", metadata: ["key": "\(watermark.key)", "value": "\(JSONText.string(watermark.watermark.value))"])
        }
        jobLogger.info(
            "job finished",
            metadata: [
                "status": "\(job.status.rawValue)", "extracted": "\(outcome.stats.recordsExtracted)",
                "loaded": "\(outcome.stats.recordsLoaded)", "errored": "\(outcome.stats.recordsErrored)",
            ])
        return job
    }

    /// Runs a submitted job in the background; ``drain()`` waits for it.
    public func start(_ record: JobRecord, plan: JobPlan) {
        let task = Task { [self] in
            do {
                _ = try await run(record, plan: plan)
            } catch {
                logger.error("could not record job outcome", metadata: ["jobId": "\(record.id)", "error": "\(error)"])
            }
            _ = running.withLock { $0.removeValue(forKey: record.id) }
        }
        running.withLock { $0[record.id] = task }
    }

    /// Waits for every background job to finish (graceful shutdown).
    public func drain() async {
        while true {
            let tasks = running.withLock { Array($0.values) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }

    func deadLetter(_ rejection: Rejection, jobId: String) -> NewDeadLetter {
        NewDeadLetter(
            jobId: jobId, record: rejection.record, error: rejection.message, position: rejection.position,
            stage: rejection.stage, timestamp: JobRunner.wallClockMilliseconds())
    }

    /// Seconds since the service started.
    public var uptimeSeconds: Double { JobRunner.seconds(ContinuousClock.now - started) }
}

/// A job was submitted with an id another job already has.
public struct DuplicateJobID: Error, CustomStringConvertible {
    /// The id in use.
    public let id: String
    public var description: String { "a job with id '\(id)' exists; omit id to get a new one" }
}

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
    /// Jobs started with ``ExecutionMode/background``, for ``drain()``.
    let background = Mutex<[String: Task<Void, Never>]>([:])
    /// Every job running in this process, with the way to stop it.
    let running = Mutex<[String: RunningJob]>([:])
    /// False once shutdown has begun: no new job starts.
    let accepting = Mutex(true)
    /// Continuous jobs asked to stop gracefully (``stop(id:)``): each commits what it has and ends.
    let gracefulStops = Mutex<Set<String>>([])
    /// Ingest runs into the same target, one at a time (see ``ingest(_:format:intoPipeline:)``).
    let ingestLanes = SerialLanes()

    public init(store: any StateStore, planner: JobPlanner, runSettings: RunSettings = RunSettings(), logger: Logger) {
        self.store = store
        self.planner = planner
        self.reader = SpecReader(registry: planner.registry)
        self.runSettings = runSettings
        self.logger = logger
    }

    /// Marks jobs whose process died before they finished (a killed server or `sluice run`)
    /// as failed, and removes the temporary files of every job no longer running, so no job
    /// stays "running" forever and no debris outlives a crash. Jobs another live process is
    /// running (a server and a command line sharing the state file) are left alone.
    ///
    /// With `resumeContinuous` (the server), an interrupted continuous job is started again
    /// under its id instead: it goes on from the position its source keeps (the messages
    /// acknowledged after each commit), after the temporary files and unfinished appends of the
    /// interrupted run were cleared away. Its spec is the stored one, so a secret written
    /// literally (not as `${env:…}`) is gone and the job fails with the source's refusal.
    public func recoverInterruptedJobs(resumeContinuous: Bool = false) async throws {
        var alive: Set<String> = []
        var resumable: [(JobRecord, JobPlan)] = []
        for var job in try await store.unfinishedJobs() {
            if let owner = job.owner, ProcessIdentity.isAlive(owner), owner != ProcessIdentity.current {
                alive.insert(job.id)
                continue
            }
            if resumeContinuous, let plan = try? planner.plan(job.spec), plan.microBatches != nil {
                job.owner = ProcessIdentity.current
                job.status = .pending
                job.error = nil
                try await store.saveJob(job)
                resumable.append((job, plan))
                continue
            }
            job.status = .failed
            job.error = "interrupted: the process running the job stopped before it finished; its target was left as it was; submit it again"
            job.owner = nil
            try await store.saveJob(job)
            logger.warning("marked interrupted job as failed", metadata: ["jobId": "\(job.id)"])
        }
        let removed = planner.scratch.sweepAll(keeping: alive.union(running.withLock { Set($0.keys) }))
        if !removed.isEmpty {
            logger.notice("removed temporary files of jobs that are no longer running", metadata: ["files": "\(removed.count)"])
        }
        // Spill files have no name once created; only a process killed in the instant between
        // creating and unlinking one (where the file system lacks O_TMPFILE) leaves a name.
        if SpillSpace.removeLeftovers(in: runSettings.spillDirectory) > 0 {
            logger.notice("removed spill files left by a killed process", metadata: ["directory": "\(runSettings.spillDirectory)"])
        }
        // After the sweep, which cut back the appends the interrupted runs had not committed.
        for (job, plan) in resumable {
            logger.notice("resuming interrupted continuous job", metadata: ["jobId": "\(job.id)"])
            start(job, plan: plan)
        }
    }

    /// How ``execute(_:mode:progress:)`` runs a job.
    public enum ExecutionMode: Sendable {
        /// Runs the job to the end and answers its finished record.
        case wait
        /// Starts the job in the background and answers its pending record (``drain()`` waits).
        case background
        /// ``wait`` for a job that ends, ``background`` for a continuous one (which runs until
        /// it is stopped): `POST /jobs`.
        case waitUnlessContinuous
    }

    /// The one way a job runs, from HTTP, the command line and the scheduler alike: plans the
    /// spec (every problem thrown as a ``JobPlanError``), records it as pending, runs it now or
    /// in the background, and records its outcome in one transaction.
    ///
    /// Throws ``DuplicateJobID`` when the spec names an id that is taken.
    public func execute(
        _ spec: JobSpec, mode: ExecutionMode = .wait, progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async throws -> JobRecord {
        guard accepting.withLock({ $0 }) else { throw NotAcceptingJobs() }
        if let id = spec.id, !id.isEmpty, try await store.job(id: id) != nil { throw DuplicateJobID(id: id) }
        let (record, plan) = try await submit(spec)
        switch mode {
        case .wait:
            return try await run(record, plan: plan, progress: progress)
        case .waitUnlessContinuous where plan.microBatches == nil:
            return try await run(record, plan: plan, progress: progress)
        case .background, .waitUnlessContinuous:
            start(record, plan: plan)
            return record
        }
    }

    /// Checks a spec without running it.
    public func plan(_ spec: JobSpec) throws(JobPlanError) -> JobPlan { try planner.plan(spec) }

    /// Plans `spec` and records it as a pending job.
    public func submit(_ spec: JobSpec) async throws -> (JobRecord, JobPlan) { try await submit(spec, source: nil) }

    /// Plans `spec`, reading from `source` instead of the spec's own when given (see
    /// ``JobPlanner/plan(_:source:)``), and records it as a pending job.
    func submit(_ spec: JobSpec, source: (any Source)?) async throws -> (JobRecord, JobPlan) {
        let now = JobRunner.wallClockMilliseconds()
        let id: String
        if let given = spec.id, !given.isEmpty {
            id = given
        } else {
            id = ids.next(now: now)
        }
        // The id is known before planning, so temporary files can carry it.
        var identified = spec
        identified.id = id
        let plan = try planner.plan(identified, source: source)
        // Stored and shown without literal secrets or URL credentials; `${env:…}` references stay.
        var stored = Secrets.redact(spec)
        stored.id = id
        let record = JobRecord(
            id: id, name: stored.name, status: .pending, spec: stored, stats: nil, error: nil, createdAt: now,
            owner: ProcessIdentity.current)
        try await store.saveJob(record)
        return (record, plan)
    }

    /// Runs a submitted job to the end and records its outcome. Then what the run and the
    /// recording allocated goes back to the system, not only to the allocator, so an idle
    /// server returns to about its size before the job.
    public func run(
        _ record: JobRecord, plan: JobPlan, progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async throws -> JobRecord {
        // After the call, so that the run's records, dead letters and lineage are all freed.
        defer { MemoryRelease.trim() }
        return try await runAndRecord(record, plan: plan, progress: progress)
    }

    private func runAndRecord(
        _ record: JobRecord, plan: JobPlan, progress: (@Sendable (RunProgress) -> Void)?
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
        let continuous = plan.microBatches == nil ? nil : continuousHooks(for: job, logger: jobLogger)
        let limit = continuous == nil ? timeLimit(for: plan.spec) : continuousTimeLimit(for: plan.spec)
        let startWatermark = stored?.watermark
        let runLogger = jobLogger
        let jobId = job.id
        let graceful: (@Sendable () -> Void)? = continuous == nil ? nil : { @Sendable [self] in _ = gracefulStops.withLock { $0.insert(jobId) } }
        var (outcome, stop) = await runStoppably(jobId: job.id, limit: limit, gracefulStop: graceful) { [runSettings] in
            await JobRunner.run(
                plan, settings: runSettings, watermark: startWatermark, logger: runLogger, progress: progress, continuous: continuous)
        }
        _ = gracefulStops.withLock { $0.remove(job.id) }
        let removed = planner.scratch.sweep(jobId: job.id)
        if !removed.isEmpty { jobLogger.info("removed temporary files", metadata: ["files": "\(removed.count)"]) }
        if let stop, outcome.failure != nil {
            let committed = outcome.stats.streaming?.microBatches ?? 0
            outcome.failure = committed > 0 ? stop.message(committedMicroBatches: committed) : stop.message(limit: limit)
        }
        job.stats = outcome.stats
        job.status = outcome.failure == nil ? .completed : (stop == .request ? .cancelled : .failed)
        job.error = outcome.failure
        job.owner = nil
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
            record.lineage = LineageBuilder.graph(
                jobId: job.id, plan: plan, stageFields: outcome.stageFields, declaredTypes: outcome.declaredTypes)
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
            _ = background.withLock { $0.removeValue(forKey: record.id) }
        }
        background.withLock { $0[record.id] = task }
    }

    /// Waits for every background job to finish (graceful shutdown).
    public func drain() async {
        while true {
            let tasks = background.withLock { Array($0.values) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }

    /// Graceful shutdown: waits up to `grace` for running jobs (background and those a
    /// request or the command line waits for) to finish, then stops the rest, whose targets
    /// are left untouched, and waits for them to record their outcome.
    public func shutdown(grace: Duration) async {
        let deadline = ContinuousClock.now + grace
        // Continuous jobs never end by themselves: they commit what they have and end.
        stopContinuousJobs()
        while running.withLock({ !$0.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let stopped = stopAll(.shutdown)
        if stopped > 0 { logger.warning("stopped running jobs at shutdown", metadata: ["jobs": "\(stopped)"]) }
        await drain()
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

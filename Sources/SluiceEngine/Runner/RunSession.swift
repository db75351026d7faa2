import Logging
import SluiceCore

/// One run of a plan, phase by phase, for ``JobRunner/run(_:settings:records:collectLoaded:watermark:logger:progress:)``:
/// every decision about how to read and write was made by the planner; this follows it.
struct RunSession {
    /// What the run reads, as the plan and the caller decided.
    enum Input {
        /// Records handed in (a dead-letter retry), processed as one batch.
        case records(RecordBatch)
        /// Blocks that workers decode in parallel.
        case blocks(any BlockReader)
        /// One reader's batches, in order.
        case stream(any BatchReader)
    }

    let plan: JobPlan
    let settings: RunSettings
    let collectLoaded: Bool
    let started = ContinuousClock.now
    let cpuAtStart = ResourceMeter.cpuMilliseconds()
    let startTime = JobRunner.wallClockMilliseconds()
    var budget: MemoryBudget
    let spill: SpillSpace
    var state: RunState
    var prefix: PrefixStage?
    var writer: (any TargetWriter)?
    var reader: (any BatchReader)?
    var cut: IncrementalCut?
    var failure: String?
    var expectedBytes: Int?
    /// The fields and types the source declared, for lineage.
    var declaredSchema: [FieldSchema]?
    var workersUsed = 1
    var report: Reporter
    /// The service's side of a continuous run (``JobPlan/microBatches``).
    var hooks: ContinuousHooks?
    /// Records loaded by the micro-batches committed so far.
    var committedRecords = 0
    /// The run's logger (its job id in the metadata).
    var logger = Logger(label: "sluice.run")

    init(plan: JobPlan, settings: RunSettings, collectLoaded: Bool, progress: (@Sendable (RunProgress) -> Void)?) {
        self.plan = plan
        self.settings = settings
        self.collectLoaded = collectLoaded
        budget = MemoryBudget(limitBytes: settings.memoryLimitBytes, workers: settings.workers, blockBytes: settings.blockBytes)
        spill = SpillSpace(directory: settings.spillDirectory)
        state = RunState(steps: [], budget: budget, spill: spill, collectLoaded: collectLoaded)  // replaced once lookups are read
        report = Reporter(progress: progress, started: started)
    }

    /// Reads the lookup data sets, builds the parallel prefix and opens the target.
    mutating func prepare() async throws {
        var extraction = Duration.zero
        let steps = try await JobRunner.prepareLookups(plan, budget: &budget, extraction: &extraction, spill: spill)
        state = RunState(steps: steps, budget: budget, spill: spill, collectLoaded: collectLoaded)
        state.memoryPool = settings.memoryPool
        var prefix = PrefixStage(
            validator: plan.validator,
            steps: steps[..<state.prefixEnd].compactMap { step in
                guard case .stateless(let transform) = step.transform else { return nil }
                return (step.path, step.operation, transform)
            })
        if state.prefixEnd < steps.count, case .stateful(let step) = steps[state.prefixEnd].transform, step.isMergeable {
            prefix.mergeable = (steps[state.prefixEnd].path, steps[state.prefixEnd].operation, step)
        }
        if case .preEncoded(let encode) = plan.write {
            if state.prefixEnd == steps.count, !collectLoaded { prefix.encode = encode }
            state.parallelEncoding = ParallelEncoding(workers: settings.workers, sliceRows: 16_384, encode: encode)
        }
        self.prefix = prefix
        writer = try await plan.target.open(batchSize: plan.spec.target.batchSize)
    }

    /// Opens what the run reads. Records handed in (a dead-letter retry) are re-processed as
    /// they are: the watermark decides what a source read brings, not which failed records retry.
    mutating func openInput(records: [ValueObject]?, watermark: Watermark?) async throws -> Input {
        if let records { return .records(RecordBatch(records: records)) }
        var source = plan.source
        var pushedDown = false
        if let incremental = plan.spec.source.incremental {
            let start = watermark ?? incremental.initialValue.map { Watermark(value: $0) }
            cut = IncrementalCut(cursorField: incremental.cursorField, keyFields: incremental.keyFields, start: start)
            prefix?.incremental = cut
            if let start, let pushdown = plan.incrementalPushdown {
                source = try pushdown.readingFrom(start.value, of: incremental.cursorField)
                pushedDown = true
            }
        }
        let t0 = ContinuousClock.now
        defer { state.extraction += ContinuousClock.now - t0 }
        // A source narrowed by the watermark is read as it says; the plan's blocks are of the whole input.
        if !pushedDown, case .blocks(let splittable) = plan.read, let blocks = try await splittable.openBlocks(blockBytes: settings.blockBytes) {
            expectedBytes = blocks.expectedBytes
            workersUsed = settings.workers
            declare(blocks.declaredSchema)
            return .blocks(blocks)
        }
        let reader = try await source.open()
        self.reader = reader
        expectedBytes = reader.expectedBytes
        declare(reader.declaredSchema)
        return .stream(reader)
    }

    /// Keeps the schema the input declares and tells the target what reaches it.
    private mutating func declare(_ declared: [FieldSchema]?) {
        guard let declared else { return }
        declaredSchema = declared
        writer?.declare(DeclaredSchemaPropagation.atTarget(declared, plan: plan))
    }

    /// Pushes the whole input through the prefix, the stateful steps and into the target.
    mutating func pump(_ input: Input) async throws {
        guard let prefix else { return }
        switch input {
        case .records(let batch):
            try await state.accept(try prefix.run(SourceChunk(batch: batch)), writer: writer)
        case .blocks(let blocks):
            try await JobRunner.runBlocks(blocks, prefix: prefix, workers: settings.workers, state: &state, writer: writer, report: &report)
        case .stream(let reader):
            if let microBatches = plan.microBatches, let hooks {
                try await pumpMicroBatches(reader, prefix: prefix, plan: microBatches, hooks: hooks)
                return
            }
            while true {
                try Task.checkCancellation()
                let t1 = ContinuousClock.now
                let chunk = try await reader.next()
                state.extraction += ContinuousClock.now - t1
                guard let chunk else { break }
                try await state.accept(try prefix.run(chunk), writer: writer)
                try state.governResidentMemory()
                report.tick(state, expectedBytes: expectedBytes)
            }
        }
    }

    /// Emits what the stateful steps hold, commits the target, then tells the source.
    mutating func finish(logger: Logger) async throws {
        if plan.microBatches != nil, let hooks {
            try await commitMicroBatch(hooks: hooks, last: true)
            return
        }
        try Task.checkCancellation()
        try await state.drain(writer: writer)
        try Task.checkCancellation()
        let t2 = ContinuousClock.now
        try await writer?.commit()
        state.loading += ContinuousClock.now - t2
        do {
            try await reader?.targetCommitted()
        } catch {
            // The target has the records; the source will offer them again next run.
            logger.error("the source could not confirm what it read", metadata: ["error": "\(error)"])
        }
    }

    /// Leaves the target as it was and records why the run failed.
    mutating func abort(_ error: any Error, logger: Logger) async {
        await writer?.abort()
        // A continuous run's target keeps what its micro-batches committed, and only that.
        if plan.microBatches != nil { state.stats.recordsLoaded = committedRecords }
        if error is CancellationError {
            failure = "cancelled: the run was stopped before it finished (a timeout or shutdown); the target was left untouched"
            if let committed = state.stats.streaming?.microBatches, committed > 0 {
                failure = "cancelled: the run was stopped; its \(committed) committed micro-batches stay in the target, "
                    + "the one in progress was left out and its messages are read again by the next run"
            }
        } else {
            // Neither a value an `${env:…}` reference resolved to nor a URL's credentials.
            let message = plan.secrets.scrub(Secrets.redactText("\(error)"))
            failure = message
            logger.error("job run failed", metadata: ["error": "\(message)"])
        }
    }

    /// Hides the values of the spec's secrets in the stats' errors and the refused records' reasons.
    mutating func scrubSecrets() {
        guard !plan.secrets.isEmpty else { return }
        let secrets = plan.secrets
        for index in state.stats.errors.indices { state.stats.errors[index].error = secrets.scrub(state.stats.errors[index].error) }
        for index in state.rejections.indices { state.rejections[index].reasons = state.rejections[index].reasons.map(secrets.scrub) }
    }

    /// The run's stats, refused records, lineage fields and new watermark.
    mutating func outcome() -> JobOutcome {
        state.sampleMemory()
        state.stats.startTime = startTime
        state.stats.endTime = JobRunner.wallClockMilliseconds()
        state.stats.phases = PhaseTimings(
            extractionMs: JobRunner.milliseconds(state.extraction), transformationMs: JobRunner.milliseconds(state.transformation),
            loadingMs: JobRunner.milliseconds(state.loading))
        state.stats.resources = RunResources(
            workers: workersUsed, peakMemoryBytes: state.peakResident, peakStateBytes: state.budget.peak,
            cpuTimeMs: (ResourceMeter.cpuMilliseconds() - cpuAtStart).rounded(),
            wallTimeMs: JobRunner.milliseconds(ContinuousClock.now - started),
            memoryBudgetBytes: settings.memoryLimitBytes, spilledBytes: spill.bytesWritten, spillFiles: spill.filesCreated, spillTimeMs: JobRunner.milliseconds(spill.time))
        report.progress?(RunProgress(
            recordsRead: state.stats.recordsExtracted, bytesRead: state.stats.bytesRead, expectedBytes: expectedBytes,
            elapsedSeconds: JobRunner.seconds(ContinuousClock.now - started), finished: true))
        scrubSecrets()
        var outcome = JobOutcome(
            stats: state.stats, rejections: failure == nil ? state.rejections : [], failure: failure,
            stageFields: state.observedFields, loadedRecords: state.loaded,
            watermark: failure == nil ? cut?.finished(with: state.watermark) : nil)
        if let declaredSchema {
            func types(_ fields: [FieldSchema]) -> [String: String] {
                Dictionary(fields.map { ($0.name, $0.type.description) }, uniquingKeysWith: { first, _ in first })
            }
            outcome.declaredTypes = (types(declaredSchema), types(DeclaredSchemaPropagation.atTarget(declaredSchema, plan: plan)))
        }
        return outcome
    }
}

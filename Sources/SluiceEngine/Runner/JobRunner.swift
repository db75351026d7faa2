import Logging
import SluiceCore
import SluiceOperators

#if canImport(Glibc)
import Glibc
#endif

/// Streams a planned job: source → validation → transforms → target.
///
/// A CSV or NDJSON file is cut into blocks of whole records; up to `workers` blocks are
/// decoded, validated and run through the leading stateless transforms at once, on any
/// thread. Their results are taken back in source order, so the stateful transforms and the
/// target see exactly what a sequential run would, and output order is preserved. At most
/// `2 × workers` blocks are in flight (decoding or waiting for their turn), so a slow target
/// stops the reading (backpressure) and memory stays bounded by blocks in flight plus what
/// stateful steps hold, which `MAX_MEMORY_MB` limits. Refused records are collected for the
/// dead-letter queue, which the caller commits only after the target has committed.
public struct JobRunner: Sendable {
    /// How many record errors a job's stats carry inline (the DLQ holds them all).
    public static let maxErrorsInStats = 100

    /// Runs once. Never throws: a job-level failure is reported in ``JobOutcome/failure``.
    public static func run(
        _ plan: JobPlan,
        settings: RunSettings = RunSettings(),
        records: [ValueObject]? = nil,
        collectLoaded: Bool = false,
        watermark: Watermark? = nil,
        logger: Logger,
        progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async -> JobOutcome {
        let started = ContinuousClock.now
        let cpuAtStart = ResourceMeter.cpuMilliseconds()
        let startTime = wallClockMilliseconds()
        var budget = MemoryBudget(limitBytes: settings.memoryLimitBytes)
        var state = RunState(steps: [], budget: budget, collectLoaded: collectLoaded)  // replaced once lookups are read
        var writer: (any TargetWriter)?
        var commitAware: (any CommitAwareReader)?
        var incrementalCut: IncrementalCut?
        var failure: String?
        var expectedBytes: Int?
        var workersUsed = 1
        do {
            let steps = try await prepareLookups(plan, budget: &budget, extraction: &state.extraction)
            state = RunState(steps: steps, budget: budget, collectLoaded: collectLoaded)
            state.extraction = .zero
            var prefix = PrefixStage(
                validator: plan.validator,
                steps: steps[..<state.prefixEnd].compactMap { step in
                    guard case .stateless(let transform) = step.transform else { return nil }
                    return (step.path, step.operation, transform)
                })
            writer = try await plan.target.open(batchSize: plan.spec.target.batchSize)
            if let encoding = writer as? any PreEncodingTargetWriter, let encode = encoding.batchEncoder {
                if state.prefixEnd == steps.count, !collectLoaded { prefix.encode = encode }
                state.parallelEncoding = ParallelEncoding(workers: settings.workers, sliceRows: 16_384, encode: encode)
            }
            var source = plan.source
            var cut: IncrementalCut?
            // Records handed in (a dead-letter retry) are re-processed as they are: the
            // watermark decides what a source read brings, not which failed records retry.
            if let incremental = plan.spec.source.incremental, records == nil {
                let start = watermark ?? incremental.initialValue.map { Watermark(value: $0) }
                cut = IncrementalCut(cursorField: incremental.cursorField, keyFields: incremental.keyFields, start: start)
                prefix.incremental = cut
                if let start, let pushing = source as? any IncrementalSource {
                    source = try pushing.readingFrom(start.value, of: incremental.cursorField)
                }
            }
            incrementalCut = cut
            if state.prefixEnd < steps.count, case .stateful(let step) = steps[state.prefixEnd].transform, step.isMergeable {
                prefix.mergeable = (steps[state.prefixEnd].path, steps[state.prefixEnd].operation, step)
            }
            var report = Reporter(progress: progress, started: started)
            if let records {
                let batch = RecordBatch(records: records)
                try await state.accept(try prefix.run(SourceChunk(batch: batch)), writer: writer)
            } else if let splittable = source as? any SplittableSource,
                let blocks = try await splittable.openBlocks(blockBytes: settings.blockBytes)
            {
                expectedBytes = blocks.expectedBytes
                workersUsed = settings.workers
                try await runBlocks(blocks, prefix: prefix, workers: settings.workers, state: &state, writer: writer, report: &report)
            } else {
                let t0 = ContinuousClock.now
                let reader = try await source.open()
                commitAware = reader as? any CommitAwareReader
                expectedBytes = reader.expectedBytes
                state.extraction += ContinuousClock.now - t0
                while true {
                    try Task.checkCancellation()
                    let t1 = ContinuousClock.now
                    guard let chunk = try await reader.next() else {
                        state.extraction += ContinuousClock.now - t1
                        break
                    }
                    state.extraction += ContinuousClock.now - t1
                    try await state.accept(try prefix.run(chunk), writer: writer)
                    report.tick(state, expectedBytes: expectedBytes)
                }
            }
            try Task.checkCancellation()
            try await state.drain(writer: writer)
            try Task.checkCancellation()
            let t2 = ContinuousClock.now
            try await writer?.commit()
            state.loading += ContinuousClock.now - t2
            if let commitAware {
                do {
                    try await commitAware.targetCommitted()
                } catch {
                    // The target has the records; the source will offer them again next run.
                    logger.error("the source could not confirm what it read", metadata: ["error": "\(error)"])
                }
            }
        } catch is CancellationError {
            await writer?.abort()
            failure = "cancelled: the run was stopped before it finished (a timeout or shutdown); the target was left untouched"
        } catch {
            await writer?.abort()
            failure = "\(error)"
            logger.error("job run failed", metadata: ["error": "\(error)"])
        }
        state.sampleMemory()
        state.stats.startTime = startTime
        state.stats.endTime = wallClockMilliseconds()
        state.stats.phases = PhaseTimings(
            extractionMs: milliseconds(state.extraction), transformationMs: milliseconds(state.transformation),
            loadingMs: milliseconds(state.loading))
        state.stats.resources = RunResources(
            workers: workersUsed, peakMemoryBytes: state.peakResident, peakStateBytes: state.budget.peak,
            cpuTimeMs: (ResourceMeter.cpuMilliseconds() - cpuAtStart).rounded(), wallTimeMs: milliseconds(ContinuousClock.now - started))
        progress?(RunProgress(
            recordsRead: state.stats.recordsExtracted, bytesRead: state.stats.bytesRead, expectedBytes: expectedBytes,
            elapsedSeconds: seconds(ContinuousClock.now - started), finished: true))
        return JobOutcome(
            stats: state.stats, rejections: failure == nil ? state.rejections : [], failure: failure,
            stageFields: state.observedFields, loadedRecords: state.loaded,
            watermark: failure == nil ? incrementalCut?.finished(with: state.watermark) : nil)
    }

    /// Decodes blocks on up to `workers` child tasks and takes their results back in order.
    static func runBlocks(
        _ blocks: any BlockReader, prefix: PrefixStage, workers: Int, state: inout RunState,
        writer: (any TargetWriter)?, report: inout Reporter
    ) async throws {
        let window = workers * 2
        try await withThrowingTaskGroup(of: (Int, [PrefixStage.Output], Duration).self) { group in
            var nextSequence = 0
            var nextToAccept = 0
            var running = 0
            var ready: [Int: ([PrefixStage.Output], Duration)] = [:]
            var exhausted = false
            // One block read ahead, so a worker that frees up starts at once instead of
            // waiting for the read.
            var readAhead: SourceBlock?
            func read() async throws -> SourceBlock? {
                if let block = readAhead {
                    readAhead = nil
                    return block
                }
                let t0 = ContinuousClock.now
                defer { state.extraction += ContinuousClock.now - t0 }
                return try await blocks.nextBlock()
            }
            while !exhausted || running > 0 {
                // A cancelled run (a schedule's timeout) stops here; the caller aborts the target.
                try Task.checkCancellation()
                // Start blocks while there is room for more in flight and a worker is free.
                while !exhausted, running < workers, running + ready.count < window {
                    guard let block = try await read() else {
                        exhausted = true
                        break
                    }
                    let sequence = nextSequence
                    nextSequence += 1
                    running += 1
                    group.addTask {
                        let decodeStart = ContinuousClock.now
                        let chunks = try block.decode()
                        let decodeTime = ContinuousClock.now - decodeStart
                        return (sequence, try prefix.run(block: chunks), decodeTime)
                    }
                }
                if !exhausted, readAhead == nil, running + ready.count < window {
                    readAhead = try await read()
                    if readAhead == nil { exhausted = true }
                }
                guard running > 0, let (sequence, outputs, decodeTime) = try await group.next() else { continue }
                running -= 1
                ready[sequence] = (outputs, decodeTime)
                while let (outputs, decodeTime) = ready.removeValue(forKey: nextToAccept) {
                    state.extraction += decodeTime
                    for output in outputs { try await state.accept(output, writer: writer) }
                    nextToAccept += 1
                    state.sampleMemory()
                    report.tick(state, expectedBytes: blocks.expectedBytes)
                }
            }
        }
    }

    /// Reads every lookup data set (a join's right side) and prepares its transform.
    static func prepareLookups(_ plan: JobPlan, budget: inout MemoryBudget, extraction: inout Duration) async throws -> [JobPlan.Step] {
        var steps = plan.transforms
        for (index, step) in steps.enumerated() {
            guard case .lookup(let lookup, let source?) = step.transform else { continue }
            let t0 = ContinuousClock.now
            let reader = try await source.open()
            var batches: [RecordBatch] = []
            var held = 0
            let name = "\(step.path) (\(step.operation))"
            while let chunk = try await reader.next() {
                batches.append(chunk.batch)
                held += chunk.batch.estimatedBytes
                try budget.set(held, for: name)
            }
            budget.notePeak()
            extraction += ContinuousClock.now - t0
            do {
                let data = RecordBatch.concatenate(batches)
                let transform: PlannedTransform
                if let outer = lookup as? any StatefulLookupTransform {
                    switch try outer.preparedTransform(with: data) {
                    case .stateless(let prepared): transform = .stateless(prepared)
                    case .stateful(let prepared): transform = .stateful(StatefulBox(prepared))
                    }
                } else {
                    transform = .stateless(try lookup.prepared(with: data))
                }
                steps[index] = JobPlan.Step(path: step.path, operation: step.operation, field: step.field, transform: transform)
            } catch {
                throw StepFailure(path: step.path, operation: step.operation, error: error)
            }
        }
        return steps
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func milliseconds(_ d: Duration) -> Double { (seconds(d) * 1_000_000).rounded() / 1000 }

    /// Milliseconds since the Unix epoch.
    public static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// Calls the progress callback at most every 200 ms.
struct Reporter {
    let progress: (@Sendable (RunProgress) -> Void)?
    let started: ContinuousClock.Instant
    var last = ContinuousClock.now

    init(progress: (@Sendable (RunProgress) -> Void)?, started: ContinuousClock.Instant) {
        self.progress = progress
        self.started = started
    }

    mutating func tick(_ state: RunState, expectedBytes: Int?) {
        guard let progress, ContinuousClock.now - last > .milliseconds(200) else { return }
        last = ContinuousClock.now
        progress(RunProgress(
            recordsRead: state.stats.recordsExtracted, bytesRead: state.stats.bytesRead, expectedBytes: expectedBytes,
            elapsedSeconds: JobRunner.seconds(ContinuousClock.now - started), finished: false))
    }
}

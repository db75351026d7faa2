import Logging
import SluiceCore
import SluiceOperators

#if canImport(Glibc)
import Glibc
#endif

/// Streams a planned job: source → validation → transforms → target, batch by batch.
///
/// The loop pulls one chunk at a time from the source, so memory holds one batch in flight
/// plus whatever stateful transforms keep (aggregate: one row per group), and a slow target
/// slows the read. Refused records are collected for the dead-letter queue, which the caller
/// commits only after the target has committed.
public struct JobRunner: Sendable {
    /// How many record errors a job's stats carry inline (the DLQ holds them all).
    public static let maxErrorsInStats = 100

    /// Runs once. Never throws: a job-level failure is reported in ``JobOutcome/failure``.
    public static func run(
        _ plan: JobPlan,
        records: [ValueObject]? = nil,
        collectLoaded: Bool = false,
        logger: Logger,
        progress: (@Sendable (RunProgress) -> Void)? = nil
    ) async -> JobOutcome {
        var state = RunState(plan: plan, collectLoaded: collectLoaded)
        let started = ContinuousClock.now
        state.stats.startTime = wallClockMilliseconds()
        var writer: (any TargetWriter)?
        var expectedBytes: Int?
        do {
            writer = try await plan.target.open(batchSize: plan.spec.target.batchSize)
            if let records {
                let batch = RecordBatch(records: records)
                state.stats.recordsExtracted = batch.count
                try await state.push(source: SourceChunk(batch: batch), writer: writer)
            } else {
                let t0 = ContinuousClock.now
                let reader = try await plan.source.open()
                expectedBytes = reader.expectedBytes
                state.extraction += ContinuousClock.now - t0
                var lastReport = ContinuousClock.now
                while true {
                    let t1 = ContinuousClock.now
                    guard let chunk = try await reader.next() else {
                        state.extraction += ContinuousClock.now - t1
                        break
                    }
                    state.extraction += ContinuousClock.now - t1
                    try await state.push(source: chunk, writer: writer)
                    if let progress, ContinuousClock.now - lastReport > .milliseconds(200) {
                        lastReport = ContinuousClock.now
                        progress(RunProgress(
                            recordsRead: state.stats.recordsExtracted, bytesRead: state.stats.bytesRead,
                            expectedBytes: reader.expectedBytes, elapsedSeconds: seconds(ContinuousClock.now - started),
                            finished: false))
                    }
                }
            }
            try await state.drain(writer: writer)
            let t2 = ContinuousClock.now
            try await writer?.commit()
            state.loading += ContinuousClock.now - t2
        } catch {
            await writer?.abort()
            state.failure = describe(error)
            logger.error("job run failed", metadata: ["error": "\(state.failure ?? "")"])
        }
        state.stats.endTime = wallClockMilliseconds()
        state.stats.phases = PhaseTimings(
            extractionMs: milliseconds(state.extraction), transformationMs: milliseconds(state.transformation),
            loadingMs: milliseconds(state.loading))
        progress?(RunProgress(
            recordsRead: state.stats.recordsExtracted, bytesRead: state.stats.bytesRead, expectedBytes: expectedBytes,
            elapsedSeconds: seconds(ContinuousClock.now - started), finished: true))
        return state.outcome()
    }

    static func describe(_ error: any Error) -> String {
        "\(error)"
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

/// The mutable state of one run: counters, timings, stateful transform runs, rejections.
struct RunState {
    let plan: JobPlan
    var stats = JobStats(
        startTime: 0, endTime: nil, recordsExtracted: 0, recordsTransformed: 0, recordsLoaded: 0, recordsErrored: 0,
        errors: [], phases: PhaseTimings(extractionMs: 0, transformationMs: 0, loadingMs: 0), bytesRead: 0, bytesWritten: 0)
    var rejections: [Rejection] = []
    var failure: String?
    var extraction: Duration = .zero
    var transformation: Duration = .zero
    var loading: Duration = .zero
    var stageFields: [[String]?]
    var statefulRuns: [Int: any StatefulRun] = [:]
    var loaded: [ValueObject]?

    init(plan: JobPlan, collectLoaded: Bool) {
        self.plan = plan
        self.stageFields = Array(repeating: nil, count: plan.transforms.count + 1)
        self.loaded = collectLoaded ? [] : nil
        for (index, step) in plan.transforms.enumerated() {
            if case .stateful(let stateful) = step.transform { statefulRuns[index] = stateful.makeRun() }
        }
    }

    mutating func reject(_ refused: [Rejection]) {
        guard !refused.isEmpty else { return }
        stats.recordsErrored += refused.count
        for rejection in refused.prefix(max(0, JobRunner.maxErrorsInStats - stats.errors.count)) {
            stats.errors.append(RecordError(record: rejection.record, error: rejection.message, position: rejection.position, stage: rejection.stage))
        }
        rejections.append(contentsOf: refused)
    }

    /// Validates a source chunk and pushes it through the transforms.
    mutating func push(source chunk: SourceChunk, writer: (any TargetWriter)?) async throws {
        stats.recordsExtracted += chunk.batch.count + chunk.rejected.count
        stats.bytesRead += chunk.bytes
        reject(chunk.rejected)
        let t0 = ContinuousClock.now
        var batch = chunk.batch
        if let validator = plan.validator, !batch.isEmpty {
            let result = validator.validate(batch)
            reject(result.rejected)
            batch = result.batch
        }
        transformation += ContinuousClock.now - t0
        try await push(batch, from: 0, writer: writer)
    }

    /// Runs `batch` through transforms `from...` and on to the target.
    mutating func push(_ batch: RecordBatch, from start: Int, writer: (any TargetWriter)?) async throws {
        var batch = batch
        var index = start
        let t0 = ContinuousClock.now
        while index < plan.transforms.count {
            if stageFields[index] == nil, !batch.isEmpty { stageFields[index] = batch.fields }
            let step = plan.transforms[index]
            switch step.transform {
            case .stateless(let transform):
                let result: BatchResult
                do {
                    result = try transform.process(batch)
                } catch {
                    throw StepFailure(path: step.path, operation: step.operation, error: error)
                }
                reject(result.rejected.map { stamped($0, step) })
                batch = result.batch
            case .stateful:
                guard let run = statefulRuns[index] else { return }
                do {
                    reject(try run.consume(batch).map { stamped($0, step) })
                } catch {
                    throw StepFailure(path: step.path, operation: step.operation, error: error)
                }
                transformation += ContinuousClock.now - t0
                return
            }
            index += 1
        }
        transformation += ContinuousClock.now - t0
        try await load(batch, writer: writer)
    }

    /// A rejection from a transform carries the transform's path as its stage.
    private func stamped(_ rejection: Rejection, _ step: JobPlan.Step) -> Rejection {
        var r = rejection
        r.stage = "\(step.path) (\(step.operation))"
        return r
    }

    mutating func load(_ batch: RecordBatch, writer: (any TargetWriter)?) async throws {
        if stageFields[plan.transforms.count] == nil, !batch.isEmpty { stageFields[plan.transforms.count] = batch.fields }
        guard !batch.isEmpty else { return }
        stats.recordsTransformed += batch.count
        let t0 = ContinuousClock.now
        if let writer {
            stats.bytesWritten += try await writer.write(batch)
        }
        loading += ContinuousClock.now - t0
        stats.recordsLoaded += batch.count
        if loaded != nil { loaded?.append(contentsOf: batch.records) }
    }

    /// Finishes stateful transforms in order, pushing each result downstream.
    mutating func drain(writer: (any TargetWriter)?) async throws {
        for index in plan.transforms.indices {
            guard let run = statefulRuns[index] else { continue }
            let t0 = ContinuousClock.now
            let result: RecordBatch
            do {
                result = try run.finish()
            } catch {
                let step = plan.transforms[index]
                throw StepFailure(path: step.path, operation: step.operation, error: error)
            }
            statefulRuns[index] = nil
            transformation += ContinuousClock.now - t0
            try await push(result, from: index + 1, writer: writer)
        }
    }

    func outcome() -> JobOutcome {
        var last: [String] = []
        let fields = stageFields.map { fields -> [String] in
            if let fields { last = fields }
            return fields ?? last
        }
        return JobOutcome(
            stats: stats, rejections: failure == nil ? rejections : [], failure: failure, stageFields: fields,
            loadedRecords: loaded)
    }
}

/// A transform that failed the whole job (not one record).
struct StepFailure: Error, CustomStringConvertible {
    let path: String
    let operation: String
    let error: any Error

    var description: String { "\(path) (\(operation)) failed: \(JobRunner.describe(error))" }
}

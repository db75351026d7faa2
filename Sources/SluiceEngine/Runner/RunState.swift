import SluiceCore

/// The sequential part of a run: counters, the steps from the first stateful transform on,
/// rejections and the target. Prefix outputs arrive here in source order.
struct RunState {
    /// Every step with lookups already prepared.
    let steps: [JobPlan.Step]
    /// Index of the first step that is not stateless (the end of the parallel prefix).
    let prefixEnd: Int
    var stats = JobStats(startTime: 0)
    var rejections: [Rejection] = []
    var extraction: Duration = .zero
    var transformation: Duration = .zero
    var loading: Duration = .zero
    var stageFields: [[String]?]
    var statefulRuns: [Int: any StatefulRun] = [:]
    var budget: MemoryBudget
    var loaded: [ValueObject]?
    var peakResident = 0
    /// The largest cursor value read past the watermark (incremental runs).
    var watermark: IncrementalCut.Progress?
    /// Encodes large batches (a stateful step's final output) on several workers.
    var parallelEncoding: ParallelEncoding?

    init(steps: [JobPlan.Step], budget: MemoryBudget, collectLoaded: Bool) {
        self.steps = steps
        self.budget = budget
        self.prefixEnd = steps.firstIndex { if case .stateless = $0.transform { return false } else { return true } } ?? steps.count
        self.stageFields = Array(repeating: nil, count: steps.count + 1)
        self.loaded = collectLoaded ? [] : nil
        for (index, step) in steps.enumerated() {
            if case .stateful(let stateful) = step.transform { statefulRuns[index] = stateful.makeRun() }
        }
    }

    static func stamped(_ rejection: Rejection, path: String, operation: String) -> Rejection {
        var r = rejection
        r.stage = "\(path) (\(operation))"
        return r
    }

    mutating func reject(_ refused: [Rejection]) {
        guard !refused.isEmpty else { return }
        stats.recordsErrored += refused.count
        for rejection in refused.prefix(max(0, JobRunner.maxErrorsInStats - stats.errors.count)) {
            stats.errors.append(RecordError(record: rejection.record, error: rejection.message, position: rejection.position, stage: rejection.stage))
        }
        rejections.append(contentsOf: refused)
    }

    /// Takes one prefix output (in source order) and pushes it on.
    mutating func accept(_ output: PrefixStage.Output, writer: (any TargetWriter)?) async throws {
        if let progress = output.watermark {
            if watermark == nil { watermark = progress } else { watermark?.merge(progress) }
        }
        stats.recordsExtracted += output.extracted
        stats.bytesRead += output.bytes
        transformation += output.transformTime
        reject(output.rejected)
        for (index, fields) in output.fields.enumerated() where stageFields[index] == nil {
            stageFields[index] = fields
        }
        if let encoded = output.encoded, let writer {
            if stageFields[steps.count] == nil { stageFields[steps.count] = output.batch.fields }
            let t0 = ContinuousClock.now
            stats.recordsTransformed += output.batch.count
            stats.bytesWritten += try await writer.writeEncoded(encoded, rows: output.batch.count)
            stats.recordsLoaded += output.batch.count
            loading += ContinuousClock.now - t0 + output.encodeTime
            return
        }
        if output.consumedByStateful {
            try mergePartial(output.partial)
            if !output.batch.isEmpty { try await push(output.batch, from: prefixEnd + 1, writer: writer) }
            return
        }
        try await push(output.batch, from: prefixEnd, writer: writer)
    }

    /// Merges a block's state into the run of the stateful step right after the prefix.
    mutating func mergePartial(_ partial: PartialState?) throws {
        guard let partial, let run = statefulRuns[prefixEnd] else { return }
        let step = steps[prefixEnd]
        let t0 = ContinuousClock.now
        do {
            try run.merge(partial)
        } catch {
            throw StepFailure(path: step.path, operation: step.operation, error: error)
        }
        try budget.set(run.estimatedBytes, for: "\(step.path) (\(step.operation))")
        budget.notePeak()
        transformation += ContinuousClock.now - t0
    }

    /// Runs `batch` through steps `from...` and on to the target.
    mutating func push(_ batch: RecordBatch, from start: Int, writer: (any TargetWriter)?) async throws {
        var batch = batch
        var index = start
        let t0 = ContinuousClock.now
        while index < steps.count {
            if stageFields[index] == nil, !batch.isEmpty { stageFields[index] = batch.fields }
            let step = steps[index]
            let result: BatchResult
            do {
                switch step.transform {
                case .stateless(let transform):
                    result = try transform.process(batch)
                case .stateful:
                    guard let run = statefulRuns[index] else { return }
                    result = try run.consume(batch)
                    try budget.set(run.estimatedBytes, for: "\(step.path) (\(step.operation))")
                    budget.notePeak()
                case .lookup:
                    result = BatchResult(batch: batch)  // prepared before the run; never reached
                }
            } catch let error as MemoryLimitExceeded {
                throw error
            } catch {
                throw StepFailure(path: step.path, operation: step.operation, error: error)
            }
            reject(result.rejected.map { Self.stamped($0, path: step.path, operation: step.operation) })
            batch = result.batch
            if batch.isEmpty {
                transformation += ContinuousClock.now - t0
                return
            }
            index += 1
        }
        transformation += ContinuousClock.now - t0
        try await load(batch, writer: writer)
    }

    mutating func load(_ batch: RecordBatch, writer: (any TargetWriter)?) async throws {
        if stageFields[steps.count] == nil, !batch.isEmpty { stageFields[steps.count] = batch.fields }
        guard !batch.isEmpty else { return }
        stats.recordsTransformed += batch.count
        guard let writer else { return }
        let t0 = ContinuousClock.now
        if let encoding = parallelEncoding, encoding.applies(to: batch) {
            stats.bytesWritten += try await encoding.write(batch, to: writer)
            loading += ContinuousClock.now - t0
            stats.recordsLoaded += batch.count
            if loaded != nil { loaded?.append(contentsOf: batch.records) }
            return
        }
        let (bytes, refused) = try await writer.writeReportingRejections(batch)
        stats.bytesWritten += bytes
        loading += ContinuousClock.now - t0
        stats.recordsLoaded += batch.count - refused.count
        reject(refused.map { Self.stamped($0, path: "target", operation: "load") })
        if loaded != nil {
            let refusedPositions = Set(refused.compactMap(\.position))
            loaded?.append(contentsOf: (0..<batch.count).filter { !refusedPositions.contains(batch.positions[$0]) }.map(batch.record(at:)))
        }
    }

    /// Finishes stateful transforms in order, pushing each result downstream.
    mutating func drain(writer: (any TargetWriter)?) async throws {
        for index in steps.indices {
            guard let run = statefulRuns[index] else { continue }
            let t0 = ContinuousClock.now
            let result: RecordBatch
            do {
                result = try run.finish()
            } catch {
                throw StepFailure(path: steps[index].path, operation: steps[index].operation, error: error)
            }
            statefulRuns[index] = nil
            transformation += ContinuousClock.now - t0
            try await push(result, from: index + 1, writer: writer)
        }
    }

    mutating func sampleMemory() { peakResident = max(peakResident, ResourceMeter.residentBytes()) }

    /// The field lists per stage, filling gaps from the stage before.
    var observedFields: [[String]] {
        var last: [String] = []
        return stageFields.map { fields in
            if let fields { last = fields }
            return fields ?? last
        }
    }
}

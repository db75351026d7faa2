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
    /// Where stateful steps put what does not fit in the budget.
    let spill: SpillSpace
    /// How many times a step's state was moved to disk.
    var spills = 0
    /// What each spilling step still held right after its last spill.
    var keptAfterSpill: [Int: Int] = [:]
    /// The server-wide pool the run's budget came from, if any.
    var memoryPool: MemoryPool?

    init(steps: [JobPlan.Step], budget: MemoryBudget, spill: SpillSpace, collectLoaded: Bool) {
        self.steps = steps
        self.budget = budget
        self.spill = spill
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
        try account(prefixEnd)
        transformation += ContinuousClock.now - t0
    }

    /// The steps that can spill, in the order they run.
    private var spillingSteps: [Int] { statefulRuns.keys.sorted().filter { statefulRuns[$0]?.spills == true } }

    /// Records what stateful step `index` holds now. A step that can spill moves its state to
    /// disk when it holds more than its share of the budget; one that cannot fails the job
    /// when the steps together would hold more than the limit.
    mutating func account(_ index: Int) throws {
        guard let run = statefulRuns[index] else { return }
        let step = steps[index]
        let name = "\(step.path) (\(step.operation))"
        guard run.spills else {
            try budget.set(run.estimatedBytes, for: name)
            budget.notePeak()
            return
        }
        let available = max(0, budget.stateAllowance - budget.heldByOthers(than: name))
        let share = available / max(1, spillingSteps.count)
        var held = run.estimatedBytes
        // What stays in memory after a spill (a window's partition table, dedupe's keys) is
        // not spilled again: a spill pays only when what has grown since is worth a file.
        let kept = keptAfterSpill[index] ?? 0
        if held > share, held - kept >= max(budget.smallestSpill, share / 4) {
            try spill(index)
            held = run.estimatedBytes
            // A step may move part of its state at a time (a window moves its oldest half):
            // go on while what is left is over what is available and still shrinks.
            while held > max(available, budget.smallestSpill) {
                try spill(index)
                let after = run.estimatedBytes
                guard after < held else { break }
                held = after
            }
            keptAfterSpill[index] = held
        }
        // What cannot go to disk may use all that is available; past that spilling cannot help.
        if held > max(available, budget.smallestSpill) {
            budget.note(held, for: name)
            throw MemoryLimitExceeded(limitMB: budget.limitBytes >> 20, operation: name, bytes: held, afterSpilling: true)
        }
        budget.note(held, for: name)
        budget.notePeak()
    }

    /// Moves stateful step `index`'s state to disk and hands the freed memory back.
    mutating func spill(_ index: Int) throws {
        guard let run = statefulRuns[index] else { return }
        let step = steps[index]
        do {
            try run.spill(to: spill)
        } catch {
            throw StepFailure(path: step.path, operation: step.operation, error: error)
        }
        spills += 1
        MemoryRelease.trim()
    }

    /// Checks the process's resident memory against what runs were given (this run's budget,
    /// or with a server-wide pool every running job's budget together); when it is over,
    /// moves the largest spillable state to disk. Called as batches go by. A state too small
    /// for spilling it to matter is left alone, so another job's memory cannot make this
    /// one spill on every batch.
    mutating func governResidentMemory() throws {
        let resident = ResourceMeter.residentBytes()
        peakResident = max(peakResident, resident)
        let allowed = max(budget.limitBytes, memoryPool?.grantedBytes ?? 0)
        guard resident > MemoryBudget.residentBaseBytes + allowed else { return }
        let least = max(budget.smallestSpill, budget.stateAllowance / 8)
        let largest = spillingSteps
            .map { ($0, statefulRuns[$0]?.estimatedBytes ?? 0) }
            .filter { $0.1 >= least }
            .max { $0.1 < $1.1 }
        if let (index, _) = largest {
            try spill(index)
            let step = steps[index]
            let held = statefulRuns[index]?.estimatedBytes ?? 0
            keptAfterSpill[index] = held
            budget.note(held, for: "\(step.path) (\(step.operation))")
        } else {
            MemoryRelease.trim()
        }
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
                    if !transform.readsDictionaryText { batch = batch.flatteningDictionaries() }
                    result = try transform.process(batch)
                case .stateful(let stateful):
                    guard let run = statefulRuns[index] else { return }
                    if !stateful.readsDictionaryText { batch = batch.flatteningDictionaries() }
                    result = try run.consume(batch)
                    try account(index)
                case .lookup:
                    result = BatchResult(batch: batch)  // prepared before the run; never reached
                }
            } catch let error as MemoryLimitExceeded {
                throw error
            } catch let error as StepFailure {
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
        // Targets write plain text (see `DictionaryText`).
        let batch = batch.flatteningDictionaries()
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

    /// Finishes stateful transforms in order, pushing each one's output downstream a batch
    /// at a time (a step that spilled reads it back from disk as it goes).
    mutating func drain(writer: (any TargetWriter)?) async throws {
        for index in steps.indices {
            guard let run = statefulRuns[index] else { continue }
            let step = steps[index]
            var t0 = ContinuousClock.now
            let output: any BatchStream
            do {
                output = try run.finish(space: spill)
            } catch {
                throw StepFailure(path: step.path, operation: step.operation, error: error)
            }
            statefulRuns[index] = nil
            budget.note(0, for: "\(step.path) (\(step.operation))")
            while true {
                try Task.checkCancellation()
                let batch: RecordBatch?
                do {
                    batch = try output.next()
                } catch {
                    throw StepFailure(path: step.path, operation: step.operation, error: error)
                }
                transformation += ContinuousClock.now - t0
                guard let batch else { break }
                try await push(batch, from: index + 1, writer: writer)
                try governResidentMemory()
                t0 = ContinuousClock.now
            }
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

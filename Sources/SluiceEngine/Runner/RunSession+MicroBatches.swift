import Logging
import SluiceCore

/// A continuous run: the source never ends, so the run commits in micro-batches until a
/// graceful stop is asked for (see ``MicroBatchPlan`` and ``ContinuousHooks``).
extension RunSession {
    /// Reads until a stop is asked for (or the source ends), committing a micro-batch every
    /// `commitEvery` records or `commitInterval` after its first record. The target's writes
    /// are the backpressure: while a batch is written or committed nothing more is read, so
    /// memory holds at most one micro-batch's worth of what the target buffers.
    mutating func pumpMicroBatches(_ reader: any BatchReader, prefix: PrefixStage, plan microBatches: MicroBatchPlan, hooks: ContinuousHooks) async throws {
        var pending = 0
        var firstArrival: ContinuousClock.Instant?
        var lastConfirmation = ContinuousClock.now
        while !hooks.stopRequested() {
            try Task.checkCancellation()
            let t1 = ContinuousClock.now
            let chunk = try await reader.next()
            state.extraction += ContinuousClock.now - t1
            guard let chunk else { break }
            let arrived = chunk.batch.count + chunk.rejected.count
            if arrived > 0 {
                if firstArrival == nil { firstArrival = ContinuousClock.now }
                pending += arrived
                try await state.accept(try prefix.run(chunk), writer: writer)
                try state.governResidentMemory()
            }
            report.tick(state, expectedBytes: nil)
            let due = firstArrival.map { ContinuousClock.now - $0 >= microBatches.commitInterval } ?? false
            if pending >= microBatches.commitEvery || due {
                try await commitMicroBatch(hooks: hooks, last: false)
                pending = 0
                firstArrival = nil
                lastConfirmation = ContinuousClock.now
            } else if pending == 0, ContinuousClock.now - lastConfirmation >= microBatches.commitInterval {
                // Nothing is waiting for a commit: the source may confirm how far it has read
                // (a change stream moves its slot past WAL that held nothing for it).
                lastConfirmation = ContinuousClock.now
                do {
                    try await reader.targetCommitted()
                } catch {
                    logger.error("the source could not confirm what it read", metadata: ["error": "\(plan.secrets.scrub(Secrets.redactText("\(error)")))"])
                }
            }
        }
    }

    /// Commits the micro-batch in progress, has the service record its stats and dead letters,
    /// then tells the source (acknowledges the messages, confirms the position). Unless it is
    /// the `last`, the next micro-batch's write is opened on the plan's later target.
    mutating func commitMicroBatch(hooks: ContinuousHooks, last: Bool) async throws {
        guard let microBatches = plan.microBatches else { return }
        try Task.checkCancellation()
        let t0 = ContinuousClock.now
        try await writer?.commit()
        writer = nil
        state.loading += ContinuousClock.now - t0
        var streaming = state.stats.streaming ?? StreamingStats()
        streaming.microBatches += 1
        streaming.lastCommitAt = JobRunner.wallClockMilliseconds()
        streaming.lastCommitRecords = state.stats.recordsLoaded - committedRecords
        committedRecords = state.stats.recordsLoaded
        // Asked before the acknowledgement, which does not change it (the lag counts messages
        // not yet delivered, not those delivered and unacknowledged).
        if let lag = try? await reader?.consumerLag() { streaming.consumerLag = lag }
        state.stats.streaming = streaming
        scrubSecrets()
        var stats = state.stats
        stats.phases = PhaseTimings(
            extractionMs: JobRunner.milliseconds(state.extraction), transformationMs: JobRunner.milliseconds(state.transformation),
            loadingMs: JobRunner.milliseconds(state.loading))
        let rejections = state.rejections
        state.rejections = []
        try await hooks.committed(MicroBatchReport(number: streaming.microBatches, stats: stats, rejections: rejections))
        do {
            try await reader?.targetCommitted()
        } catch {
            // The target has the records; the source offers them again (at-least-once).
            logger.error("the source could not confirm what it read", metadata: ["error": "\(plan.secrets.scrub(Secrets.redactText("\(error)")))"])
        }
        guard !last else { return }
        writer = try await microBatches.laterTarget.open(batchSize: plan.spec.target.batchSize)
        if let declaredSchema { writer?.declare(DeclaredSchemaPropagation.atTarget(declaredSchema, plan: self.plan)) }
    }
}

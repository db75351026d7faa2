import SQLiteNIO

extension SQLiteStateStore {
    /// Records a finished run in one transaction: all of it or, after a crash, none of it.
    public func recordOutcome(_ outcome: JobOutcomeRecord) async throws {
        try await exclusiveTransaction { connection in
            if let watermark = outcome.watermark { try await Self.write(watermark, on: connection) }
            if !outcome.deadLetters.isEmpty { try await Self.write(outcome.deadLetters, on: connection) }
            if !outcome.lineage.nodes.isEmpty || !outcome.lineage.edges.isEmpty { try await Self.write(outcome.lineage, on: connection) }
            try await Self.writePhaseDurations(jobId: outcome.job.id, outcome.phaseDurations, at: outcome.recordedAt, on: connection)
            try await Self.write(outcome.job, on: connection)
        }
    }
}

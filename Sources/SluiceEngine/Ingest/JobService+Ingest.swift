import SluiceCore

/// What one `POST /ingest/:pipelineId` did: the job it ran and its counts.
public struct IngestOutcome: Sendable {
    /// The job, finished: `completed`, `failed` (its target left as it was) or `cancelled`.
    public let job: JobRecord
    /// The pipeline the records were pushed to.
    public let pipelineId: String
    /// Records and rows that were not records in the body (array elements or non-blank lines).
    public let received: Int
    /// Records the target holds now (after the transforms, which may drop or merge records);
    /// 0 when the job did not complete.
    public let accepted: Int
    /// Records sent to the dead-letter queue (unreadable rows, failed validation, transforms or
    /// target); 0 when the job did not complete, since a failed job records no dead letters.
    public let rejected: Int
}

/// Why an ingest request was refused before its job ran.
public enum IngestError: Error, Sendable, CustomStringConvertible {
    /// No pipeline has the id.
    case unknownPipeline(String)
    /// The body is empty or not a JSON document.
    case unreadableBody(IngestBodyError)

    public var description: String {
        switch self {
        case .unknownPipeline(let id): return "no pipeline with id '\(id)'"
        case .unreadableBody(let error): return error.message
        }
    }
}

extension JobService {
    /// Runs the records of an ingest request through saved pipeline `pipelineId`: its schema,
    /// transforms and target, in place of its source a source of the records `body` holds
    /// (read as `format`, or as ``IngestFormat/detect(_:)`` finds when `nil`), fed to the
    /// runner in batches of the server's batch size.
    ///
    /// The run is an ordinary job: it is recorded (with an `ingest` source naming the
    /// pipeline), has stats and lineage, and its refused records go to the dead-letter queue
    /// with their reasons and positions, retryable like any job's. Its target commits once for
    /// the whole request (``ComponentContext/atomicWrites``): a run that fails leaves it as it
    /// was. The pipeline's `incremental` settings are left out: pushed records are all new, and
    /// the pipeline's watermark is neither applied nor moved.
    ///
    /// Runs into the same target (the same target type and config) take turns, in arrival
    /// order, so each commits on top of the one before; a file target in `append` mode, or
    /// a database target, then holds every request's records exactly once.
    ///
    /// Throws ``IngestError`` for an unknown pipeline or an unreadable body, before any job
    /// is recorded, ``JobPlanError`` when the pipeline no longer plans, and
    /// ``NotAcceptingJobs`` during shutdown.
    public func ingest(_ body: [UInt8], format: IngestFormat?, intoPipeline pipelineId: String) async throws -> IngestOutcome {
        guard let pipeline = try await store.pipeline(id: pipelineId) else { throw IngestError.unknownPipeline(pipelineId) }
        let records: IngestBody
        do {
            records = try IngestBody(decoding: body, as: format, batchSize: planner.batchSize)
        } catch {
            throw IngestError.unreadableBody(error)
        }
        var spec = pipeline.spec.job
        spec.id = nil
        spec.name = "ingest: \(pipeline.spec.name)"
        spec.source = IngestSource.spec(pipelineId: pipelineId, format: records.format, original: spec.source)
        let source = IngestSource(records, pipelineId: pipelineId)
        let lane = "\(spec.target.type) \(JSONText.string(spec.target.config))"
        let job = try await ingestLanes.run(lane) {
            guard accepting.withLock({ $0 }) else { throw NotAcceptingJobs() }
            let (record, plan) = try await submit(spec, source: source)
            return try await run(record, plan: plan)
        }
        let completed = job.status == .completed
        return IngestOutcome(
            job: job, pipelineId: pipelineId, received: records.received,
            accepted: completed ? job.stats?.recordsLoaded ?? 0 : 0,
            rejected: completed ? job.stats?.recordsErrored ?? 0 : 0)
    }
}

import SluiceCore

/// The outcome of re-running a job's dead letters.
public struct RetryOutcome: Sendable {
    /// Dead letters attempted.
    public var retried: Int
    /// Records that passed and were written to the target (they left the DLQ).
    public var succeeded: [ValueObject]
    /// Dead letters that failed again (they stay, with their new reason).
    public var failed: Int
    /// The job-level failure, when the retry could not run at all.
    public var failure: String?
}

/// Why dead letters cannot be retried.
public enum RetryError: Error, Sendable, CustomStringConvertible {
    /// No such job.
    case unknownJob(String)
    /// The job's stored spec no longer plans (e.g. a data root was removed).
    case unplannable(JobPlanError)

    public var description: String {
        switch self {
        case .unknownJob(let id): return "no job with id '\(id)'"
        case .unplannable(let error): return "the job's spec no longer plans: \(error)"
        }
    }
}

extension JobService {
    /// Re-runs job `jobId`'s dead letters through its validation, transforms and target
    /// (appending to the target). Records that pass leave the DLQ; the rest stay with their
    /// new reason. Records that never parsed (raw lines) are tried as JSON objects.
    public func retryDeadLetters(jobId: String) async throws -> RetryOutcome {
        guard let job = try await store.job(id: jobId) else { throw RetryError.unknownJob(jobId) }
        let letters = try await store.deadLetters(jobId: jobId)
        guard !letters.isEmpty else { return RetryOutcome(retried: 0, succeeded: [], failed: 0, failure: nil) }
        var spec = job.spec
        if case .object(var config) = spec.target.config {
            config["mode"] = "append"
            spec.target.config = .object(config)
        }
        let plan: JobPlan
        do {
            // An ingest job's records came with its request: only its validation, transforms
            // and target are planned again.
            let given: (any Source)? = spec.source.type == IngestSource.type ? IngestSource.empty : nil
            plan = try planner.plan(spec, source: given)
        } catch {
            throw RetryError.unplannable(error)
        }
        var outcome = RetryOutcome(retried: letters.count, succeeded: [], failed: 0, failure: nil)
        let now = JobRunner.wallClockMilliseconds()
        var retryable: [(letter: DeadLetter, record: ValueObject)] = []
        for letter in letters {
            if let record = Self.recordObject(letter.record) {
                retryable.append((letter, record))
            } else {
                try await store.updateDeadLetter(
                    id: letter.id, error: "cannot retry: the record is not an object (\(letter.error))", stage: letter.stage,
                    timestamp: now)
                outcome.failed += 1
            }
        }
        guard !retryable.isEmpty else { return outcome }
        // One run over all records: row i has position i + 1, which maps rejections back to letters.
        let run = await JobRunner.run(
            plan, settings: runSettings, records: retryable.map(\.record), collectLoaded: true, logger: logger)
        if let failure = run.failure {
            outcome.failure = failure
            return outcome
        }
        var refused: [Int: Rejection] = [:]
        for rejection in run.rejections {
            if let position = rejection.position, refused[position] == nil { refused[position] = rejection }
        }
        var passedIDs: [Int64] = []
        for (index, item) in retryable.enumerated() {
            if let rejection = refused[index + 1] {
                try await store.updateDeadLetter(id: item.letter.id, error: rejection.message, stage: rejection.stage, timestamp: now)
                outcome.failed += 1
            } else {
                passedIDs.append(item.letter.id)
            }
        }
        outcome.succeeded = run.loadedRecords ?? []
        try await store.removeDeadLetters(ids: passedIDs)
        return outcome
    }

    static func recordObject(_ value: Value) -> ValueObject? {
        switch value {
        case .object(let object): return object
        case .string(let text):
            if case .object(let object)? = try? JSONParser.parse(text) { return object }
            return nil
        default: return nil
        }
    }
}

import SluiceCore
import SluiceScheduling

/// The JSON shapes of the API (documented in the README), built as ordered ``Value``s so keys
/// appear in the documented order.
///
/// Nothing shown holds a secret: specs go through ``Secrets/redact(_:)-(Value)``, and every
/// free text (job failures, dead-letter reasons, run reasons, lineage names) through
/// ``Secrets/redactText(_:)``, also for records stored before redaction covered them.
public enum Presentation {
    /// `{id, name, status}` as in `GET /jobs`.
    public static func jobSummary(_ job: JobRecord) -> Value {
        var o = ValueObject()
        o["id"] = .string(job.id)
        o["name"] = .string(Secrets.redactText(job.name))
        o["status"] = .string(job.status.rawValue)
        o["createdAt"] = .int(Int(job.createdAt))
        return .object(o)
    }

    /// The job with its (redacted) spec, as in the `job` of `POST /jobs`.
    public static func job(_ job: JobRecord) -> Value {
        var o = ValueObject()
        o["id"] = .string(job.id)
        o["name"] = .string(Secrets.redactText(job.name))
        o["status"] = .string(job.status.rawValue)
        o["source"] = source(job.spec.source)
        o["transforms"] = .array(job.spec.transforms.map(transform))
        o["target"] = target(job.spec.target)
        if let schema = job.spec.schema { o["schema"] = Presentation.schema(schema) }
        o["createdAt"] = .int(Int(job.createdAt))
        if let error = job.error { o["error"] = .string(Secrets.redactText(error)) }
        return .object(o)
    }

    /// `GET /jobs/:id`: the job, its stats (without the inline errors) and any failure.
    public static func jobDetail(_ job: JobRecord) -> Value {
        guard case .object(var o) = Presentation.job(job) else { return .null }
        if let stats = job.stats { o["stats"] = Presentation.stats(stats, includeErrors: false) }
        return .object(o)
    }

    /// A job's stats object: the record counts and first errors, plus phase timings and byte counts.
    public static func stats(_ stats: JobStats, includeErrors: Bool = true) -> Value {
        var o = ValueObject()
        o["startTime"] = .int(Int(stats.startTime))
        o["endTime"] = stats.endTime.map { .int(Int($0)) } ?? .null
        o["recordsExtracted"] = .int(stats.recordsExtracted)
        o["recordsTransformed"] = .int(stats.recordsTransformed)
        o["recordsLoaded"] = .int(stats.recordsLoaded)
        o["recordsErrored"] = .int(stats.recordsErrored)
        o["bytesRead"] = .int(stats.bytesRead)
        o["bytesWritten"] = .int(stats.bytesWritten)
        o["phases"] = [
            "extractionMs": .double(stats.phases.extractionMs), "transformationMs": .double(stats.phases.transformationMs),
            "loadingMs": .double(stats.phases.loadingMs),
        ]
        o["throughput"] = throughput(stats)
        if let resources = stats.resources {
            o["resources"] = [
                "workers": .int(resources.workers), "peakMemoryMB": .double(megabytes(resources.peakMemoryBytes)),
                "peakStateMB": .double(megabytes(resources.peakStateBytes)), "cpuTimeMs": .double(resources.cpuTimeMs),
                "wallTimeMs": .double(resources.wallTimeMs), "memoryBudgetMB": .double(megabytes(resources.memoryBudgetBytes)),
                "spilledMB": .double(megabytes(resources.spilledBytes)), "spillFiles": .int(resources.spillFiles),
                "spillTimeMs": .double(resources.spillTimeMs),
            ]
        }
        if let streaming = stats.streaming {
            o["streaming"] = [
                "microBatches": .int(streaming.microBatches), "lastCommitAt": streaming.lastCommitAt.map { .int(Int($0)) } ?? .null,
                "lastCommitRecords": .int(streaming.lastCommitRecords), "consumerLag": streaming.consumerLag.map { .int($0) } ?? .null,
            ]
        }
        if includeErrors {
            o["errors"] = .array(stats.errors.map { error in
                var e = ValueObject()
                e["record"] = error.record
                e["error"] = .string(Secrets.redactText(error.error))
                if let position = error.position { e["position"] = .int(position) }
                if let stage = error.stage { e["stage"] = .string(stage) }
                return .object(e)
            })
        }
        return .object(o)
    }

    /// Records/s and MB/s per phase: extraction counts records and bytes read, transformation
    /// records read, loading records and bytes written, each over that phase's time.
    static func throughput(_ stats: JobStats) -> Value {
        func rate(_ amount: Int, _ ms: Double) -> Value {
            ms > 0 ? .double((Double(amount) / (ms / 1000)).rounded()) : .null
        }
        func mbRate(_ bytes: Int, _ ms: Double) -> Value {
            ms > 0 ? .double(((Double(bytes) / 1_048_576) / (ms / 1000) * 10).rounded() / 10) : .null
        }
        let p = stats.phases
        return [
            "extraction": ["recordsPerSecond": rate(stats.recordsExtracted, p.extractionMs), "mbPerSecond": mbRate(stats.bytesRead, p.extractionMs)],
            "transformation": ["recordsPerSecond": rate(stats.recordsExtracted, p.transformationMs)],
            "loading": ["recordsPerSecond": rate(stats.recordsLoaded, p.loadingMs), "mbPerSecond": mbRate(stats.bytesWritten, p.loadingMs)],
        ]
    }

    static func megabytes(_ bytes: Int) -> Double { (Double(bytes) / 1_048_576 * 10).rounded() / 10 }

    /// One dead letter as `GET /dlq` lists it.
    public static func deadLetter(_ letter: DeadLetter) -> Value {
        var o = ValueObject()
        o["id"] = .int(Int(letter.id))
        o["record"] = letter.record
        o["error"] = .string(Secrets.redactText(letter.error))
        o["jobId"] = .string(letter.jobId)
        o["timestamp"] = .int(Int(letter.timestamp))
        if let position = letter.position { o["position"] = .int(position) }
        o["stage"] = .string(letter.stage)
        return .object(o)
    }

    static func source(_ spec: SourceSpec) -> Value {
        var o = ValueObject()
        if let id = spec.id { o["id"] = .string(id) }
        o["type"] = .string(spec.type)
        o["config"] = Secrets.redact(spec.config)
        if let schema = spec.schema { o["schema"] = Presentation.schema(schema) }
        if let incremental = spec.incremental { o["incremental"] = Presentation.incremental(incremental) }
        return .object(o)
    }

    static func incremental(_ spec: IncrementalSpec) -> Value {
        var o = ValueObject()
        o["cursorField"] = .string(spec.cursorField)
        if let initial = spec.initialValue { o["initialValue"] = initial }
        if let keys = spec.keyFields { o["keyFields"] = .array(keys.map(Value.string)) }
        if let key = spec.stateKey { o["stateKey"] = .string(key) }
        return .object(o)
    }

    static func transform(_ spec: TransformSpec) -> Value {
        var o = ValueObject()
        if let field = spec.field { o["field"] = .string(field) }
        o["operation"] = .string(spec.operation)
        o["config"] = Secrets.redact(spec.config)
        return .object(o)
    }

    static func target(_ spec: TargetSpec) -> Value {
        var o = ValueObject()
        if let id = spec.id { o["id"] = .string(id) }
        o["type"] = .string(spec.type)
        o["config"] = Secrets.redact(spec.config)
        if let batchSize = spec.batchSize { o["batchSize"] = .int(batchSize) }
        return .object(o)
    }

    static func schema(_ schema: SchemaSpec) -> Value {
        let fields: [Value] = schema.fields.map { field in
            var f = ValueObject()
            f["name"] = .string(field.name)
            f["type"] = .string(field.type.rawValue)
            f["nullable"] = .bool(field.nullable)
            if !field.validators.isEmpty {
                f["validators"] = .array(field.validators.map { v in
                    var o = ValueObject()
                    o["type"] = .string(v.type)
                    o["value"] = v.value
                    if let message = v.message { o["message"] = .string(message) }
                    return .object(o)
                })
            }
            return .object(f)
        }
        return ["fields": .array(fields), "required": .array(schema.required.map(Value.string)), "strictMode": .bool(schema.strictMode)]
    }

    /// A schedule as `GET /schedules` lists it.
    public static func schedule(_ schedule: ScheduleSpec) -> Value {
        var o = ValueObject()
        o["id"] = .string(schedule.id)
        o["name"] = .string(Secrets.redactText(schedule.name))
        if let cron = schedule.cron { o["cron"] = .string(cron) }
        if let interval = schedule.interval { o["interval"] = .string(interval) }
        if let timeZone = schedule.timeZone { o["timeZone"] = .string(timeZone) }
        o["enabled"] = .bool(schedule.enabled)
        if let policy = schedule.retryPolicy {
            var p = ValueObject()
            p["maxRetries"] = .int(policy.maxRetries)
            p["retryDelay"] = .int(policy.retryDelay)
            if let multiplier = policy.backoffMultiplier { p["backoffMultiplier"] = .double(multiplier) }
            if let maxDelay = policy.maxDelay { p["maxDelay"] = .int(maxDelay) }
            if let jitter = policy.jitter { p["jitter"] = .double(jitter) }
            o["retryPolicy"] = .object(p)
        }
        if let timeout = schedule.timeout { o["timeout"] = .int(timeout) }
        if let pipelineId = schedule.pipelineId { o["pipelineId"] = .string(pipelineId) }
        if !schedule.dependsOn.isEmpty { o["dependsOn"] = .array(schedule.dependsOn.map(Value.string)) }
        o["maxConcurrent"] = .int(schedule.maxConcurrent)
        o["overlap"] = .string(schedule.overlap.rawValue)
        o["catchUp"] = .string(schedule.catchUp.rawValue)
        if let job = schedule.job { o["job"] = jobSpec(job) }
        return .object(o)
    }

    /// A job spec as stored (secret-looking values masked).
    static func jobSpec(_ job: JobSpec) -> Value {
        var j = ValueObject()
        j["name"] = .string(Secrets.redactText(job.name))
        j["source"] = source(job.source)
        j["transforms"] = .array(job.transforms.map(transform))
        j["target"] = target(job.target)
        return .object(j)
    }

    /// A scheduled run as `GET /schedules/:id/runs` lists it.
    public static func scheduleRun(_ run: RunRecord) -> Value {
        var o = ValueObject()
        o["id"] = .string(run.id)
        o["scheduleId"] = .string(run.scheduleId)
        o["trigger"] = .string(run.trigger.rawValue)
        o["dueTime"] = .timestamp(run.dueTime)
        o["attempt"] = .int(run.attempt)
        o["status"] = .string(run.status.rawValue)
        o["createdAt"] = .timestamp(run.createdAt)
        if let notBefore = run.notBefore { o["notBefore"] = .timestamp(notBefore) }
        if let startedAt = run.startedAt { o["startedAt"] = .timestamp(startedAt) }
        if let endedAt = run.endedAt { o["endedAt"] = .timestamp(endedAt) }
        if let reason = run.reason { o["reason"] = .string(Secrets.redactText(reason)) }
        if let jobId = run.jobId { o["jobId"] = .string(jobId) }
        return .object(o)
    }

    /// A saved pipeline as `GET /pipelines/:id` shows it.
    public static func pipeline(_ pipeline: PipelineRecord) -> Value {
        var o = ValueObject()
        o["id"] = .string(pipeline.spec.id)
        o["name"] = .string(Secrets.redactText(pipeline.spec.name))
        o["job"] = jobSpec(pipeline.spec.job)
        o["createdAt"] = .int(Int(pipeline.createdAt))
        o["updatedAt"] = .int(Int(pipeline.updatedAt))
        return .object(o)
    }

    /// A lineage node as an `[id, {type, name}]` pair.
    public static func lineageNode(_ node: LineageNode) -> Value {
        var o = ValueObject()
        o["type"] = .string(node.type)
        o["name"] = .string(Secrets.redactText(node.name))
        if let jobId = node.jobId { o["jobId"] = .string(jobId) }
        if let fields = node.fields { o["fields"] = .array(fields.map(Value.string)) }
        return .array([.string(Secrets.redactText(node.id)), .object(o)])
    }

    /// A lineage edge with its column-level derivations.
    public static func lineageEdge(_ edge: LineageEdge) -> Value {
        var o = ValueObject()
        o["from"] = .string(Secrets.redactText(edge.from))
        o["to"] = .string(Secrets.redactText(edge.to))
        o["relationship"] = .string(edge.relationship)
        if let jobId = edge.jobId { o["jobId"] = .string(jobId) }
        if let fields = edge.fields {
            o["fields"] = .array(fields.map { d in
                ["output": .string(d.output), "inputs": .array(d.inputs.map(Value.string)), "how": .string(d.how)]
            })
        }
        return .object(o)
    }

    /// A phase summary `{count, avg, min, max, p95}`.
    public static func phaseSummary(_ summary: PhaseSummary) -> Value {
        [
            "count": .int(summary.count), "avg": .double(summary.avg), "min": .double(summary.min),
            "max": .double(summary.max), "p95": .double(summary.p95),
        ]
    }
}

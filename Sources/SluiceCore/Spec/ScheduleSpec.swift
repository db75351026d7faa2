/// A pipeline schedule (`POST /schedules`): when it fires (`cron` or `interval`, in
/// `timeZone`), what it runs (`job`, or a saved pipeline by `pipelineId`), and how runs behave
/// (`retryPolicy`, `timeout`, `dependsOn`, `maxConcurrent`, `overlap`, `catchUp`).
public struct ScheduleSpec: Codable, Sendable, Equatable {
    /// What happens when a fire time comes while earlier runs still hold all `maxConcurrent` slots.
    public enum Overlap: String, Codable, Sendable, CaseIterable {
        /// The new run is recorded as skipped.
        case skip
        /// The new run waits for a slot.
        case queue
        /// The new run starts anyway.
        case allow
    }

    /// What happens to fire times missed while the server was down.
    public enum CatchUp: String, Codable, Sendable, CaseIterable {
        /// Missed fire times are dropped.
        case none
        /// The most recent missed fire time runs once.
        case latest
        /// Every missed fire time runs, oldest first.
        case all
    }

    /// Unique id of the schedule.
    public var id: String
    /// A human name.
    public var name: String
    /// A cron expression (five fields, or six with seconds first) or a preset (`@daily`,
    /// `@every 5m`); exactly one of `cron` and `interval`.
    public var cron: String?
    /// A fixed interval (`15m`, `1h30m`); exactly one of `cron` and `interval`.
    public var interval: String?
    /// The IANA time zone cron fields are read in (`Europe/Berlin`); UTC when absent.
    public var timeZone: String?
    /// Whether the schedule fires.
    public var enabled: Bool
    /// How failed runs are retried.
    public var retryPolicy: RetryPolicy?
    /// Milliseconds a run may take before it is stopped.
    public var timeout: Int?
    /// The job this schedule runs (or `pipelineId`).
    public var job: JobSpec?
    /// The saved pipeline this schedule runs (or `job`).
    public var pipelineId: String?
    /// Schedules whose runs for the same fire time must succeed before this one runs.
    public var dependsOn: [String]
    /// Runs of this schedule that may be in progress at once (default 1).
    public var maxConcurrent: Int
    /// See ``Overlap`` (default `skip`).
    public var overlap: Overlap
    /// See ``CatchUp`` (default `latest`).
    public var catchUp: CatchUp

    public init(
        id: String, name: String, cron: String? = nil, interval: String? = nil, timeZone: String? = nil, enabled: Bool = true,
        retryPolicy: RetryPolicy? = nil, timeout: Int? = nil, job: JobSpec? = nil, pipelineId: String? = nil,
        dependsOn: [String] = [], maxConcurrent: Int = 1, overlap: Overlap = .skip, catchUp: CatchUp = .latest
    ) {
        self.id = id
        self.name = name
        self.cron = cron
        self.interval = interval
        self.timeZone = timeZone
        self.enabled = enabled
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.job = job
        self.pipelineId = pipelineId
        self.dependsOn = dependsOn
        self.maxConcurrent = maxConcurrent
        self.overlap = overlap
        self.catchUp = catchUp
    }

    enum CodingKeys: String, CodingKey {
        case id, name, cron, interval, timeZone, enabled, retryPolicy, timeout, job, pipelineId, dependsOn, maxConcurrent, overlap, catchUp
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func invalid(_ key: CodingKeys, _ reason: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: [key], debugDescription: reason))
        }
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? id
        cron = try c.decodeIfPresent(String.self, forKey: .cron)
        interval = try c.decodeIfPresent(String.self, forKey: .interval)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        retryPolicy = try c.decodeIfPresent(RetryPolicy.self, forKey: .retryPolicy)
        timeout = try c.decodeIfPresent(Int.self, forKey: .timeout)
        job = try c.decodeIfPresent(JobSpec.self, forKey: .job)
        pipelineId = try c.decodeIfPresent(String.self, forKey: .pipelineId)
        dependsOn = try c.decodeIfPresent([String].self, forKey: .dependsOn) ?? []
        maxConcurrent = try c.decodeIfPresent(Int.self, forKey: .maxConcurrent) ?? 1
        overlap = try c.decodeIfPresent(Overlap.self, forKey: .overlap) ?? .skip
        catchUp = try c.decodeIfPresent(CatchUp.self, forKey: .catchUp) ?? .latest
        if id.isEmpty { throw invalid(.id, "must not be empty") }
        switch (cron, interval) {
        case (nil, nil): throw invalid(.cron, #"required: a cron expression ("0 2 * * *", "@daily") or an "interval" ("15m")"#)
        case (.some, .some): throw invalid(.interval, "give either cron or interval, not both")
        default: break
        }
        if job != nil, pipelineId != nil { throw invalid(.pipelineId, "give either job or pipelineId, not both") }
        if let timeout, timeout <= 0 { throw invalid(.timeout, "must be a positive number of milliseconds") }
        if maxConcurrent < 1 { throw invalid(.maxConcurrent, "must be at least 1") }
        if dependsOn.contains(id) { throw invalid(.dependsOn, "a schedule cannot depend on itself") }
    }
}

/// How a scheduled run is retried after a failure.
public struct RetryPolicy: Codable, Sendable, Equatable {
    /// Retries after the first attempt.
    public var maxRetries: Int
    /// Milliseconds before the first retry.
    public var retryDelay: Int
    /// Factor applied to the delay after each retry.
    public var backoffMultiplier: Double?
    /// The longest delay in milliseconds, however many retries came before.
    public var maxDelay: Int?
    /// Random spread of each delay, as a fraction of it (0.1: ±10 %); none when absent.
    public var jitter: Double?

    public init(maxRetries: Int, retryDelay: Int, backoffMultiplier: Double? = nil, maxDelay: Int? = nil, jitter: Double? = nil) {
        self.maxRetries = maxRetries
        self.retryDelay = retryDelay
        self.backoffMultiplier = backoffMultiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    enum CodingKeys: String, CodingKey { case maxRetries, retryDelay, backoffMultiplier, maxDelay, jitter }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxRetries = try c.decode(Int.self, forKey: .maxRetries)
        retryDelay = try c.decode(Int.self, forKey: .retryDelay)
        backoffMultiplier = try c.decodeIfPresent(Double.self, forKey: .backoffMultiplier)
        maxDelay = try c.decodeIfPresent(Int.self, forKey: .maxDelay)
        jitter = try c.decodeIfPresent(Double.self, forKey: .jitter)
        if let maxDelay, maxDelay < 0 {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.maxDelay], debugDescription: "must be 0 or more milliseconds"))
        }
        if let jitter, !(0...1).contains(jitter) {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.jitter], debugDescription: "must be a fraction from 0 to 1"))
        }
        if maxRetries < 0 {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.maxRetries], debugDescription: "must be 0 or more"))
        }
        if retryDelay < 0 {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.retryDelay], debugDescription: "must be 0 or more milliseconds"))
        }
        if let backoffMultiplier, backoffMultiplier < 1 {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.backoffMultiplier], debugDescription: "must be at least 1"))
        }
    }
}

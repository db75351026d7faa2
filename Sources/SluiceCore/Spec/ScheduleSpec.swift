/// A pipeline schedule (SEED.md "POST /schedules"). Stored and validated; firing is the
/// scheduler's concern.
public struct ScheduleSpec: Codable, Sendable, Equatable {
    /// Unique id of the schedule.
    public var id: String
    /// A human name.
    public var name: String
    /// A five-field cron expression or a preset (`@daily`).
    public var cron: String
    /// Whether the schedule fires.
    public var enabled: Bool
    /// How failed runs are retried.
    public var retryPolicy: RetryPolicy?
    /// Milliseconds a run may take before it is stopped.
    public var timeout: Int?
    /// The job this schedule runs; optional until schedules fire.
    public var job: JobSpec?

    public init(
        id: String, name: String, cron: String, enabled: Bool = true, retryPolicy: RetryPolicy? = nil,
        timeout: Int? = nil, job: JobSpec? = nil
    ) {
        self.id = id
        self.name = name
        self.cron = cron
        self.enabled = enabled
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.job = job
    }

    enum CodingKeys: String, CodingKey { case id, name, cron, enabled, retryPolicy, timeout, job }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? id
        cron = try c.decode(String.self, forKey: .cron)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        retryPolicy = try c.decodeIfPresent(RetryPolicy.self, forKey: .retryPolicy)
        timeout = try c.decodeIfPresent(Int.self, forKey: .timeout)
        job = try c.decodeIfPresent(JobSpec.self, forKey: .job)
        if id.isEmpty {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.id], debugDescription: "must not be empty"))
        }
        if let timeout, timeout <= 0 {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [CodingKeys.timeout], debugDescription: "must be a positive number of milliseconds"))
        }
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

    public init(maxRetries: Int, retryDelay: Int, backoffMultiplier: Double? = nil) {
        self.maxRetries = maxRetries
        self.retryDelay = retryDelay
        self.backoffMultiplier = backoffMultiplier
    }

    enum CodingKeys: String, CodingKey { case maxRetries, retryDelay, backoffMultiplier }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxRetries = try c.decode(Int.self, forKey: .maxRetries)
        retryDelay = try c.decode(Int.self, forKey: .retryDelay)
        backoffMultiplier = try c.decodeIfPresent(Double.self, forKey: .backoffMultiplier)
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

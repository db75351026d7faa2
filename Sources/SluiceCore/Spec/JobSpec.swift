/// A job as submitted: one source, a list of transforms and one target (`POST /jobs`).
///
/// Component configurations stay as ``Value`` here; the engine's registry decodes each into
/// the component's own typed `Config` at submission, so a bad config is a 400, never a
/// mid-run failure. The document is checked against ``SpecGrammar`` first: a key this
/// version does not know is refused with its path, never ignored.
public struct JobSpec: Codable, Sendable, Equatable {
    /// A caller-chosen id; the server assigns `job_<millis>` when absent.
    public var id: String?
    /// A human name for the job.
    public var name: String
    /// Where records come from.
    public var source: SourceSpec
    /// Operations applied in order.
    public var transforms: [TransformSpec]
    /// Where records go.
    public var target: TargetSpec
    /// A job-level schema, used when the source has none.
    public var schema: SchemaSpec?
    /// Milliseconds the run may take before it is stopped (the server's limit caps it).
    public var timeoutMs: Int64?
    /// A continuous job commits a micro-batch at least every this many records.
    public var commitEvery: Int?
    /// A continuous job commits a micro-batch at most this many milliseconds after its first record.
    public var commitIntervalMs: Int64?

    public init(
        id: String? = nil, name: String, source: SourceSpec, transforms: [TransformSpec] = [],
        target: TargetSpec, schema: SchemaSpec? = nil, timeoutMs: Int64? = nil, commitEvery: Int? = nil, commitIntervalMs: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.source = source
        self.transforms = transforms
        self.target = target
        self.schema = schema
        self.timeoutMs = timeoutMs
        self.commitEvery = commitEvery
        self.commitIntervalMs = commitIntervalMs
    }

    enum CodingKeys: String, CodingKey {
        case id, name, source, transforms, target, schema, timeoutMs, commitEvery, commitIntervalMs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "unnamed job"
        source = try c.decode(SourceSpec.self, forKey: .source)
        transforms = try c.decodeIfPresent([TransformSpec].self, forKey: .transforms) ?? []
        target = try c.decode(TargetSpec.self, forKey: .target)
        schema = try c.decodeIfPresent(SchemaSpec.self, forKey: .schema)
        timeoutMs = try c.decodeIfPresent(Int64.self, forKey: .timeoutMs)
        commitEvery = try c.decodeIfPresent(Int.self, forKey: .commitEvery)
        commitIntervalMs = try c.decodeIfPresent(Int64.self, forKey: .commitIntervalMs)
    }

    /// The schema records are validated against: the source's, else the job's.
    public var effectiveSchema: SchemaSpec? { source.schema ?? schema }
}

/// The `source` of a job.
public struct SourceSpec: Codable, Sendable, Equatable {
    /// A stable id for lineage (`customers-api`); derived from the type when absent.
    public var id: String?
    /// The registered source type (`file`, `api`).
    public var type: String
    /// The type's own settings.
    public var config: Value
    /// Records are validated against this schema before any transform.
    public var schema: SchemaSpec?
    /// Watermark-based delta extraction: only rows past the last run's watermark are read.
    public var incremental: IncrementalSpec?

    public init(
        id: String? = nil, type: String, config: Value = .object(ValueObject()), schema: SchemaSpec? = nil,
        incremental: IncrementalSpec? = nil
    ) {
        self.id = id
        self.type = type
        self.config = config
        self.schema = schema
        self.incremental = incremental
    }

    enum CodingKeys: String, CodingKey { case id, type, config, schema, incremental }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        type = try c.decode(String.self, forKey: .type)
        config = try c.decodeIfPresent(Value.self, forKey: .config) ?? .object(ValueObject())
        schema = try c.decodeIfPresent(SchemaSpec.self, forKey: .schema)
        incremental = try c.decodeIfPresent(IncrementalSpec.self, forKey: .incremental)
    }
}

/// One entry of a job's `transforms`.
public struct TransformSpec: Codable, Sendable, Equatable {
    /// The informational `field` (the field the step is about); optional.
    public var field: String?
    /// The registered operation (`filter`, `map`, `aggregate`, `split`, …).
    public var operation: String
    /// The operation's own settings.
    public var config: Value

    public init(field: String? = nil, operation: String, config: Value = .object(ValueObject())) {
        self.field = field
        self.operation = operation
        self.config = config
    }

    enum CodingKeys: String, CodingKey { case field, operation, config }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        field = try c.decodeIfPresent(String.self, forKey: .field)
        operation = try c.decode(String.self, forKey: .operation)
        config = try c.decodeIfPresent(Value.self, forKey: .config) ?? .object(ValueObject())
    }
}

/// The `target` of a job.
public struct TargetSpec: Codable, Sendable, Equatable {
    /// A stable id for lineage (`warehouse`); derived from the type when absent.
    public var id: String?
    /// The registered target type (`file`).
    public var type: String
    /// The type's own settings.
    public var config: Value
    /// Records per write; `BATCH_SIZE` when absent.
    public var batchSize: Int?

    public init(id: String? = nil, type: String, config: Value = .object(ValueObject()), batchSize: Int? = nil) {
        self.id = id
        self.type = type
        self.config = config
        self.batchSize = batchSize
    }

    enum CodingKeys: String, CodingKey { case id, type, config, batchSize }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        type = try c.decode(String.self, forKey: .type)
        config = try c.decodeIfPresent(Value.self, forKey: .config) ?? .object(ValueObject())
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        if let batchSize, batchSize < 1 {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath + [CodingKeys.batchSize], debugDescription: "must be at least 1, got \(batchSize)"))
        }
    }
}

/// The declared shape of every spec the server takes: a job, a schedule and a pipeline, down
/// to each component's `config`. Submitted specs are checked against it before they are
/// decoded, and `sluice schema` / `GET /schemas/job.json` write it as a JSON Schema.
///
/// The component variants come from the registry, so a new source, transform or target is
/// part of the grammar as soon as it is registered.
public struct SpecGrammar: Sendable {
    /// The named shapes: `job`, `schedule`, `pipeline`, `source`, `transform`, `target`,
    /// `schema`, and those the components refer to.
    public private(set) var catalog: ShapeCatalog

    /// A component offered to the grammar: its name and its config's shape.
    public typealias Variant = (name: String, config: ObjectShape)

    /// The grammar with these sources, transforms and targets; `definitions` adds shapes the
    /// components refer to (a filter condition, say). With `checksConfigs: false` a
    /// component's `config` may be anything here: the planner checks it against the
    /// component's declaration, together with everything else it finds (files outside the
    /// data roots, expressions that do not parse), so one answer lists every problem.
    public init(
        sources: [Variant], transforms: [Variant], targets: [Variant], definitions: [String: Shape] = [:], checksConfigs: Bool = true
    ) {
        func payload(_ variant: Variant) -> (tag: String, payload: Shape) {
            (variant.name, checksConfigs ? Shape.object(variant.config) : .anything("checked by the planner"))
        }
        var catalog = ShapeCatalog(definitions)
        catalog.define("source", .variants(VariantShape(
            noun: "source type", tagKey: "type", payloadKey: "config",
            common: ObjectShape([
                .optional("id", .nonEmptyText, "A stable id for lineage (`customers-api`); derived from the type when absent."),
                .required("type", .nonEmptyText, "The kind of source."),
                .optional("config", .anything("the source type's settings"), default: .object(ValueObject()), "The source type's own settings."),
                .optional("schema", .reference("schema"), "Records are validated against this schema before any transform."),
                .optional("incremental", .reference("incremental"), "Read only what changed since the last successful run."),
            ]),
            variants: sources.map(payload))))
        catalog.define("transform", .variants(VariantShape(
            noun: "operation", tagKey: "operation", payloadKey: "config",
            common: ObjectShape([
                .optional("field", .text, "The field the step is about; informational."),
                .required("operation", .nonEmptyText, "The operation."),
                .optional("config", .anything("the operation's settings"), default: .object(ValueObject()), "The operation's own settings."),
            ]),
            variants: transforms.map(payload))))
        catalog.define("target", .variants(VariantShape(
            noun: "target type", tagKey: "type", payloadKey: "config",
            common: ObjectShape([
                .optional("id", .nonEmptyText, "A stable id for lineage (`warehouse`); derived from the type when absent."),
                .required("type", .nonEmptyText, "The kind of target."),
                .optional("config", .anything("the target type's settings"), default: .object(ValueObject()), "The target type's own settings."),
                .optional("batchSize", .integer(1, 1_000_000), "Records per write; `BATCH_SIZE` when absent."),
            ]),
            variants: targets.map(payload))))
        catalog.define("schema", Self.schema)
        catalog.define("validator", Self.validator)
        catalog.define("incremental", Self.incremental)
        catalog.define("job", Self.job)
        catalog.define("schedule", Self.schedule)
        catalog.define("pipeline", Self.pipeline)
        self.catalog = catalog
    }

    /// A validator that knows the grammar's named shapes.
    public var validator: ShapeValidator { ShapeValidator(catalog: catalog) }

    /// Checks `value` against the named shape (`job`, `schedule`, `pipeline`).
    public func errors(in value: Value, as name: String) -> [SpecError] {
        validator.errors(in: value, against: .reference(name))
    }

    /// A job: `POST /jobs`, `sluice run`, a pipeline's or a schedule's `job`.
    public static let job = Shape.object([
        .optional("id", .nonEmptyText, "A caller-chosen id; the server assigns `job_<millis>` when absent."),
        .optional("name", .text, default: .string("unnamed job"), "A human name for the job."),
        .required("source", .reference("source"), "Where records come from."),
        .optional("transforms", .array(.reference("transform")), default: .array([]), "Operations applied in order."),
        .required("target", .reference("target"), "Where records go."),
        .optional("schema", .reference("schema"), "A job-level schema, used when the source has none."),
        .optional(
            "timeoutMs", .integer(1, 31_536_000_000),
            "Milliseconds the run may take before it is stopped and fails, its target left untouched; SLUICE_JOB_TIMEOUT_S caps it "
                + "(a continuous job runs until stopped unless it sets this)."),
        .optional(
            "commitEvery", .integer(1, 10_000_000), default: .int(10_000),
            "Continuous jobs only: a micro-batch is committed (and then acknowledged to the source) once it holds this many records."),
        .optional(
            "commitIntervalMs", .integer(10, 3_600_000), default: .int(500),
            "Continuous jobs only: a micro-batch is committed at most this many milliseconds after its first record arrived."),
    ])

    /// A record schema: declared fields, required fields and strictness.
    public static let schema = Shape.object([
        .optional("fields", .array(.object([
            .required("name", .fieldName, "The field's name in the record."),
            .required("type", .choice(FieldType.self, noun: "type"), "The expected type."),
            .optional("nullable", .boolean, default: .bool(true), "Whether null (or absence) is allowed."),
            .optional("validators", .array(.reference("validator")), default: .array([]), "Further checks on non-null values."),
        ])), default: .array([]), "The declared fields, in order."),
        .optional("required", .fieldNames, default: .array([]), "Fields that must be present and non-null."),
        .optional("strictMode", .boolean, default: .bool(false),
                  "`false`: unknown fields pass and safe coercions apply (`\"42\"` → 42); `true`: both are errors."),
    ])

    /// One `validators` entry of a schema field; `type` says which keys follow.
    public static let validator = Shape.variants(VariantShape(
        noun: "validator", tagKey: "type", payloadKey: nil,
        common: ObjectShape([
            .required("type", .nonEmptyText, "The check."),
            .optional("message", .text, "The reason recorded when the check fails, instead of the default one."),
        ]),
        variants: [
            ("min", .object([.required("value", .number(), "The smallest number, string length or array size allowed.")])),
            ("max", .object([.required("value", .number(), "The largest number, string length or array size allowed.")])),
            ("pattern", .object([.required("value", .regex, "A regular expression a string must contain a match of.")])),
            ("enum", .object([.required("value", .array(.anyValue, minItems: 1), "The allowed values.")])),
            ("custom", .object([.required("fn", .expression, "A boolean expression over `value`, the field's value.")])),
        ]))

    /// `source.incremental`.
    public static let incremental = Shape.object([
        .required("cursorField", .fieldName, "The field whose value grows with every change (`updated_at`, an id)."),
        .optional("initialValue", .anyOf([.number(), .text]), "Where the first run starts (inclusive); every row when absent."),
        .optional("keyFields", .someFieldNames, "The fields that identify a row (default: the whole record), for rows sharing the watermark's value."),
        .optional("stateKey", .nonEmptyText, "The name the watermark is stored under (default: the source's location and cursor field)."),
    ])

    /// A pipeline schedule.
    public static let schedule = Shape.object([
        .required("id", .nonEmptyText, "Unique id of the schedule."),
        .optional("name", .text, "A human name; the id when absent."),
        .optional("cron", .text(format: "cron"), "Five fields, or six with seconds first, or a preset (`@daily`, `@every 5m`)."),
        .optional("interval", .text(format: "interval"), "A fixed interval (`15m`, `1h30m`)."),
        .optional("timeZone", .nonEmptyText, default: .string("UTC"), "The IANA time zone cron fields are read in."),
        .optional("enabled", .boolean, default: .bool(true), "Whether the schedule fires."),
        .optional("retryPolicy", .object([
            .required("maxRetries", .integer(0, 1000), "Retries after the first attempt."),
            .required("retryDelay", .integer(0, 31_536_000_000), "Milliseconds before the first retry."),
            .optional("backoffMultiplier", .number(1, 1000), "Factor applied to the delay after each retry."),
            .optional("maxDelay", .integer(0, 31_536_000_000), "The longest delay in milliseconds."),
            .optional("jitter", .number(0, 1), "Random spread of each delay, as a fraction of it (0.1: ±10 %)."),
        ]), "How failed runs are retried."),
        .optional("timeout", .integer(1, 31_536_000_000), "Milliseconds a run may take before it is stopped."),
        .optional("job", .reference("job"), "The job this schedule runs."),
        .optional("pipelineId", .nonEmptyText, "The saved pipeline this schedule runs."),
        .optional("dependsOn", .array(.nonEmptyText), default: .array([]), "Schedules whose runs for the same fire time must succeed first."),
        .optional("maxConcurrent", .integer(1, 1000), default: .int(1), "Runs of this schedule that may be in progress at once."),
        .optional("overlap", .choice(ScheduleSpec.Overlap.self), default: .string("skip"), "A firing while all slots are taken is skipped, queued or allowed."),
        .optional("catchUp", .choice(ScheduleSpec.CatchUp.self), default: .string("latest"), "Which fire times missed while the server was down run."),
    ], rules: [.exactlyOne(["cron", "interval"]), .atMostOne(["job", "pipelineId"])])

    /// A saved pipeline.
    public static let pipeline = Shape.object([
        .required("id", .nonEmptyText, "Unique id, used by schedules' `pipelineId`."),
        .optional("name", .text, "A human name; the id when absent."),
        .required("job", .reference("job"), "What the pipeline runs."),
    ])
}

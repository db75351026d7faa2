import SluiceCore
import SluiceOperators

/// Turns a ``JobSpec`` into a ``JobPlan``, collecting every error with its path.
public struct JobPlanner: Sendable {
    /// The components available.
    public let registry: ComponentRegistry
    /// Allowed file locations.
    public let dataRoots: DataRoots
    /// Default records per batch.
    public let batchSize: Int
    /// Where `${env:NAME}` references are resolved.
    public let environment: [String: String]
    /// The variables of ``environment`` that references may read (`SLUICE_SECRET_ENV`).
    public let secretNames: SecretAllowList
    /// Objects every planned job shares (database connection pools).
    public let resources: SharedResources
    /// Where components record their temporary files before creating them.
    public let scratch: ScratchLedger
    /// What component configs are checked against before they are built: the registry's
    /// whole grammar, built when the first spec is planned (copies of the planner share it).
    private let fullGrammar: LazyValue<SpecGrammar>
    var grammar: SpecGrammar { fullGrammar.value }

    public init(
        registry: ComponentRegistry, dataRoots: DataRoots, batchSize: Int, environment: [String: String],
        secretNames: SecretAllowList = .standard,
        resources: SharedResources = SharedResources(), scratch: ScratchLedger = .disabled
    ) {
        self.registry = registry
        self.dataRoots = dataRoots
        self.batchSize = batchSize
        self.environment = environment
        self.secretNames = secretNames
        self.resources = resources
        self.scratch = scratch
        self.fullGrammar = LazyValue { registry.grammar }
    }

    /// The most transforms one job may have.
    public static let maximumTransforms = 1000

    /// Plans `spec`, or throws every problem found.
    ///
    /// No message of a plan (its errors, and through ``JobPlan/secrets`` its run's failure,
    /// dead-letter reasons and lineage names) shows a value an `${env:…}` reference resolved
    /// to, or a credential of a URL.
    public func plan(_ spec: JobSpec) throws(JobPlanError) -> JobPlan { try plan(spec, source: nil) }

    /// Plans `spec` reading from `given` instead of the source the spec names, when given (an
    /// ingest request's records): the spec's source config is then not built, and the target
    /// must make the run's writes visible at once (``ComponentContext/atomicWrites``), so a
    /// request is loaded whole or not at all.
    func plan(_ spec: JobSpec, source given: (any Source)?) throws(JobPlanError) -> JobPlan {
        var errors: [SpecError] = []
        // Each stateful step may nest values one level deeper (`collect`); a bound on the steps
        // keeps every walk over a record's values shallow.
        if spec.transforms.count > Self.maximumTransforms {
            throw JobPlanError(errors: [SpecError(
                path: "transforms", "a job may have at most \(Self.maximumTransforms) transforms, this one has \(spec.transforms.count)")])
        }
        var forbidden = false
        let secretEnvironment = SecretEnvironment(environment, allowing: secretNames)
        var secrets = SecretValues()
        let schema = spec.effectiveSchema
        var context = ComponentContext(
            dataRoots: dataRoots, batchSize: batchSize, schema: schema, resources: resources,
            jobId: spec.id.flatMap { $0.isEmpty ? nil : $0 } ?? "adhoc", scratch: scratch)
        context.atomicWrites = given != nil
        context.cloudEnvironment = environment.filter { CloudEnvironment.names.contains($0.key) }
        // Credentials from the environment never show in the job's messages either.
        for (name, value) in context.cloudEnvironment where CloudEnvironment.secretNames.contains(name) && !value.isEmpty {
            secrets.insert(value)
        }
        if let incremental = spec.source.incremental {
            errors += incremental.validate().map { $0.prefixed("source.incremental") }
            // A failed run must leave neither rows nor a new watermark (see ComponentContext.atomicWrites).
            context.atomicWrites = true
            if spec.target.config.objectValue?["commit"] == .string("batch") {
                errors.append(SpecError(
                    path: "target.config.commit",
                    "an incremental job commits once per job, so that its rows and its new watermark are saved together "
                        + "(a run that fails leaves neither, and the next run loads the same rows exactly once); "
                        + "remove commit or set it to \"job\""))
            }
        }

        func build<C>(
            _ path: String, _ config: Value, _ declaration: ComponentDeclaration?, _ builder: (Value, ComponentContext) throws -> C
        ) -> C? {
            // Checked before secrets are resolved, so no message can quote a secret's value.
            if let declaration {
                let problems = grammar.validator.errors(in: config, against: .object(declaration.config), at: path)
                guard problems.isEmpty else {
                    errors += problems
                    return nil
                }
            }
            do {
                let resolved = try Secrets.resolve(config, from: secretEnvironment, into: &secrets)
                return try builder(resolved, context)
            } catch let error as SpecError {
                errors.append(error.prefixed(path))
            } catch let error as AccessDenied {
                forbidden = true
                let shown = Self.unresolved(error, config: config, environment: secretEnvironment, secrets: secrets)
                errors.append(SpecError(path: SpecPath.join(path, "path"), shown.description))
            } catch {
                errors.append(SpecError(path: path, "\(error)"))
            }
            return nil
        }

        // A given source stands in for the spec's, which is then only a label: not built or checked.
        var source: (any Source)? = given
        if given == nil {
            if let builder = registry.sourceBuilder(spec.source.type) {
                source = build("source.config", spec.source.config, registry.declaration(.source, spec.source.type), builder)
            } else {
                errors.append(unknown("source.type", "source type", spec.source.type, registry.sourceTypes))
            }
        }

        var validator: SchemaValidator?
        if let schema {
            do {
                validator = try SchemaValidator(schema: schema)
            } catch {
                errors.append(error.prefixed(spec.source.schema != nil ? "source.schema" : "schema"))
            }
        }

        var steps: [JobPlan.Step] = []
        for (index, transformSpec) in spec.transforms.enumerated() {
            let path = "transforms[\(index)]"
            guard let builder = registry.transformBuilder(transformSpec.operation) else {
                errors.append(unknown(path + ".operation", "operation", transformSpec.operation, registry.operations))
                continue
            }
            if var transform = build(path + ".config", transformSpec.config, registry.declaration(.transform, transformSpec.operation), builder) {
                if case .lookup(var lookup) = transform, lookup.source == nil {
                    let spec = lookup.transform.lookupSource
                    let sourcePath = path + ".config.with"
                    guard let sourceBuilder = registry.sourceBuilder(spec.type) else {
                        errors.append(unknown(sourcePath + ".type", "source type", spec.type, registry.sourceTypes))
                        continue
                    }
                    var lookupContext = context
                    lookupContext.schema = spec.schema
                    guard
                        let source = build(
                            sourcePath + ".config", spec.config, registry.declaration(.source, spec.type), { value, _ in try sourceBuilder(value, lookupContext) })
                    else { continue }
                    lookup.source = source
                    transform = .lookup(lookup)
                }
                steps.append(JobPlan.Step(path: path, operation: transformSpec.operation, field: transformSpec.field, transform: transform))
            }
        }

        var target: (any Target)?
        if let builder = registry.targetBuilder(spec.target.type) {
            target = build("target.config", spec.target.config, registry.declaration(.target, spec.target.type), builder)
        } else {
            errors.append(unknown("target.type", "target type", spec.target.type, registry.targetTypes))
        }

        var microBatches: MicroBatchPlan?
        if let source, let target {
            if source.isContinuous {
                microBatches = Self.microBatchPlan(spec: spec, steps: steps, target: target, errors: &errors)
            } else {
                for (key, given) in [("commitEvery", spec.commitEvery != nil), ("commitIntervalMs", spec.commitIntervalMs != nil)] where given {
                    errors.append(SpecError(
                        path: key, "applies to continuous jobs only (a queue or stream source with continuous: true); this source reads what is there and ends"))
                }
            }
        }

        guard errors.isEmpty, var source, let target else {
            throw JobPlanError(errors: errors.map { Self.scrubbed($0, secrets) }, forbidden: forbidden)
        }
        // Capabilities are decided here, once; the runner only follows the plan.
        if let projectable = source as? any ProjectableSource,
            let fields = Self.sourceDemand(validator: validator, steps: steps, incremental: spec.source.incremental).fields
        {
            source = projectable.projecting(fields)
        }
        if let filterable = source as? any FilterableSource, let conditions = Self.sourceConditions(spec: spec, validator: validator),
            !conditions.isEmpty
        {
            source = filterable.filtering(conditions)
        }
        var read = ReadStrategy.stream
        if let splittable = source as? any SplittableSource, splittable.splitsIntoBlocks { read = .blocks(splittable) }
        let write = target.batchEncoder.map(WriteStrategy.preEncoded) ?? .records
        let pushdown = spec.source.incremental.flatMap { incremental in
            (source as? any IncrementalSource).flatMap { $0.filtersItself(by: incremental.cursorField) ? $0 : nil }
        }
        return JobPlan(
            spec: spec, source: source, validator: validator, transforms: steps, target: target, read: read, write: write,
            incrementalPushdown: pushdown, secrets: secrets, microBatches: microBatches)
    }

    /// How a continuous job commits, or the reasons it cannot run: a step that holds records
    /// until the input ends would never emit them, a watermark has nothing to cut (the source
    /// keeps its own position), and the target must take micro-batches.
    static func microBatchPlan(spec: JobSpec, steps: [JobPlan.Step], target: any Target, errors: inout [SpecError]) -> MicroBatchPlan? {
        var problems: [SpecError] = []
        for step in steps {
            guard case .stateful = step.transform else { continue }
            problems.append(SpecError(
                path: step.path + ".operation",
                "'\(step.operation)' holds records until the input ends, and a continuous job's input never ends; "
                    + "run it in a batch job over what the continuous job wrote"))
        }
        if spec.source.incremental != nil {
            problems.append(SpecError(
                path: "source.incremental",
                "a continuous source keeps its own position (acknowledged after each commit); remove incremental"))
        }
        var later: (any Target)?
        if let continuing = target as? any ContinuingTarget {
            do {
                later = try continuing.continuing()
            } catch let error as SpecError {
                problems.append(error.prefixed("target.config"))
            } catch {
                problems.append(SpecError(path: "target", "\(error)"))
            }
        } else {
            problems.append(SpecError(
                path: "target.type",
                "the \(spec.target.type) target cannot take a continuous job's micro-batches; use file (ndjson or csv), sqlite, postgres, mysql, http, redis_stream or nats_jetstream"))
        }
        errors += problems
        guard problems.isEmpty, let later else { return nil }
        return MicroBatchPlan(
            commitEvery: spec.commitEvery ?? 10_000, commitInterval: .milliseconds(spec.commitIntervalMs ?? 500), laterTarget: later)
    }

    /// The conditions a filter that is the job's first step places on the source's records,
    /// for a source that can skip input with them. None when a schema validates the records
    /// first (it may coerce values, so the file's statistics would not be what the filter sees).
    static func sourceConditions(spec: JobSpec, validator: SchemaValidator?) -> [FieldCondition]? {
        guard validator == nil, let first = spec.transforms.first, first.operation == Filter.operation,
            let config = try? ValueDecoder().decode(Filter.Config.self, from: first.config)
        else { return nil }
        return ConditionPushdown.conditions(config.condition)
    }

    /// A refused path as the spec wrote it: `${env:…}` references unresolved where the
    /// configured `path` had them, and resolved values hidden in the absolute path.
    static func unresolved(
        _ denied: AccessDenied, config: Value, environment: SecretEnvironment, secrets: SecretValues
    ) -> AccessDenied {
        var shown = denied
        var unused = SecretValues()
        if case .string(let configured)? = config.objectValue?["path"], configured.contains("${env:"),
            (try? Secrets.resolve(.string(configured), from: environment, into: &unused)) == .string(denied.path)
        {
            shown.path = configured
        } else {
            shown.path = secrets.scrub(denied.path)
        }
        shown.resolved = secrets.scrub(denied.resolved)
        return shown
    }

    /// `error` with the values of `secrets` and the credentials of URLs hidden.
    static func scrubbed(_ error: SpecError, _ secrets: SecretValues) -> SpecError {
        SpecError(path: error.path, secrets.scrub(Secrets.redactText(error.reason)))
    }

    /// The fields the job reads from its source: the target writes every field it gets, so
    /// the demand starts as ``FieldDemand/all`` and each transform, last to first, turns the
    /// demand on its output into the demand on its input. A schema keeps every field: its
    /// rejected records go to the dead-letter queue whole.
    /// An incremental source also needs its cursor and key fields (all fields when the whole
    /// record is the key).
    static func sourceDemand(validator: SchemaValidator?, steps: [JobPlan.Step], incremental: IncrementalSpec? = nil) -> FieldDemand {
        guard validator == nil else { return .all }
        let demand = steps.reversed().reduce(FieldDemand.all) { demand, step in step.transform.inputDemand(forOutput: demand) }
        guard let incremental else { return demand }
        guard let keys = incremental.keyFields else { return .all }
        return demand.adding([incremental.cursorField] + keys)
    }

    private func unknown(_ path: String, _ what: String, _ name: String, _ known: [String]) -> SpecError {
        SpecError(path: path, "unknown \(what) '\(name)'; expected one of \(known.joined(separator: ", "))")
    }
}

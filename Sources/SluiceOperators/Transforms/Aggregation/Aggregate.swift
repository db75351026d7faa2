import SluiceCore

/// Groups records and computes aggregations per group:
/// `{"groupBy": ["region"], "aggregations": {"amount": "sum"}, "having": {…}}`.
///
/// Emits one row per group in first-seen order with the group-by fields, then one field per
/// aggregation (see ``AggregationList`` for the ways to name them). Without `groupBy` the
/// whole input is one group, and an empty input still gives its one row (`count`,
/// `countNonNull` and `countDistinct` 0, `sum` 0, everything else null).
/// `having` is a condition (see ``Condition``) on those output rows, by output names.
///
/// `count` counts the group's rows (SQL `count(*)`; its field need not exist), `countNonNull`
/// the field's non-null values (SQL `count(x)`). `first`, `last` and `collect` take every
/// value as it is, nulls included. `countDistinct` counts distinct non-null values as group
/// keys compare them. The others use numeric values only (ints, doubles, numeric
/// strings), ignoring nulls, NaN and anything else. A sum of ints stays an int unless it
/// overflows; `median` and `percentile` are exact (DuckDB's `median` and `quantile_cont`), and
/// the deviations and variances are DuckDB's `stddev_samp`, `stddev_pop`, `var_samp`, `var_pop`
/// (from exact sums while the values are integers, so they do not depend on how the input
/// was split).
///
/// Over its share of `MAX_MEMORY_MB` the state spills partial aggregates to disk and merges
/// them again at the end, with the same output (see `AggregateSpill.swift`).
public struct Aggregate: MergeableTransform {
    /// The spec's operation name.
    public static let operation = "aggregate"
    public typealias State = AggregateState

    /// The `config` object of an aggregate step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields whose values form the group key (none: one group for everything).
        public var groupBy: [String]
        /// The aggregations, in output order.
        public var aggregations: AggregationList
        /// Which output rows to keep, by output field names; all when `nil`.
        public var having: ConditionSpec?

        /// A config with these group-by fields and aggregations.
        public init(groupBy: [String], aggregations: AggregationList, having: ConditionSpec? = nil) {
            self.groupBy = groupBy
            self.aggregations = aggregations
            self.having = having
        }

        enum CodingKeys: String, CodingKey { case groupBy, aggregations, having }

        /// Decodes a config; a missing `groupBy` means no grouping.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            groupBy = try c.decodeIfPresent([String].self, forKey: .groupBy) ?? []
            aggregations = try c.decodeIfPresent(AggregationList.self, forKey: .aggregations) ?? AggregationList([])
            having = try c.decodeIfPresent(ConditionSpec.self, forKey: .having)
        }
    }

    /// The group-by fields.
    public let groupBy: [String]
    let plan: AggregatePlan
    /// The condition on output rows.
    let having: Condition?

    /// Builds the aggregate; throws ``SpecError`` at `groupBy[i]`, the aggregation's path or
    /// inside `having`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        var groupFields = Set<String>()
        for (i, field) in config.groupBy.enumerated() where !groupFields.insert(field).inserted {
            throw SpecError(path: "groupBy[\(i)]", "duplicate field '\(field)'")
        }
        guard !config.aggregations.items.isEmpty || !config.groupBy.isEmpty else {
            throw SpecError(path: "aggregations", "expected at least one aggregation, as {\"amount\": \"sum\"}, or a groupBy field")
        }
        plan = try AggregatePlan(config.aggregations.items, groupBy: config.groupBy)
        groupBy = config.groupBy
        if let spec = config.having {
            let condition = try Condition(spec, path: "having")
            let outputs = groupBy + plan.steps.map(\.spec.output)
            for (field, path) in condition.fieldPaths where !outputs.contains(field) {
                throw SpecError(path: path, "'\(field)' is not an output field; having can test \(outputs.joined(separator: ", "))")
            }
            having = condition
        } else {
            having = nil
        }
    }

    /// Group-by fields take dictionary-encoded text as it is (each entry is looked up once a
    /// batch); aggregated fields are read from a plain copy.
    public var readsDictionaryText: Bool { true }

    /// A fresh state; an ungrouped aggregate starts with its one group.
    public func makeState() -> AggregateState {
        plan.makeState(groupFields: groupBy.count)
    }

    /// Adds `batch` to the groups; an aggregate refuses no rows and emits nothing until the end.
    public func consume(_ batch: RecordBatch, into state: inout AggregateState) throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        let groups = state.groups.assign(groupBy.map { batch.column(named: $0) }, count: batch.count)
        state.growAccumulators()
        state.rowCounts.withUnsafeMutableBufferPointer { counts in
            for group in groups { counts[Int(group)] += 1 }
        }
        for feed in plan.feeds {
            // Group keys read dictionary-encoded text as it is; the accumulators read plain storage.
            let column = batch.column(named: feed.field)?.flatteningDictionary()
            switch feed.kind {
            case .rows: break
            case .first, .last: state.edges[feed.slot].consume(column, groups: groups)
            case .collect: state.collects[feed.slot].consume(column, groups: groups)
            case .sums, .min, .max, .values, .deviation, .distinct, .present:
                // A field the batch lacks is null in every row: nothing to add.
                guard let column else { continue }
                switch feed.kind {
                case .sums: state.sums[feed.slot].consume(column, groups: groups)
                case .min, .max: state.extremes[feed.slot].consume(column, groups: groups)
                case .values: state.medians[feed.slot].consume(column, groups: groups)
                case .deviation: state.deviations[feed.slot].consume(column, groups: groups)
                case .distinct: state.distincts[feed.slot].consume(column, groups: groups)
                case .present: state.presentCounts[feed.slot].consume(column, groups: groups)
                case .rows, .first, .last, .collect: break
                }
            }
        }
        return BatchResult(batch: .empty)
    }

    /// The bytes of the group table (keys included) and of every accumulator, kept values
    /// (medians, lists, distinct values) among them, and of what ``finish(_:)`` builds beside
    /// them: the output columns, the medians' values brought together by group, the lists.
    public func estimatedBytes(of state: AggregateState) -> Int {
        let groups = state.groupCount
        var output = groups * (groupBy.count + plan.steps.count + 1) * 9
        for median in state.medians { output += median.valueCount * 8 + (groups + 1) * 16 }
        for collect in state.collects { output += collect.valueCount * MemoryLayout<Value>.stride + groups * 48 }
        return state.estimatedBytes + output
    }

    /// Adds the groups of `other` (a state of this aggregate built from later input) into
    /// `state`; groups new to `state` follow its own, in `other`'s order. Either may have
    /// spilled (a state reset by a spill merges like any other).
    public func merge(_ state: inout AggregateState, _ other: AggregateState) {
        if let spilled = other.spill { adoptSpills(into: &state, from: spilled) }
        var targets: [Int] = []
        targets.reserveCapacity(other.groupCount)
        for group in 0..<other.groupCount { targets.append(Int(state.groups.group(of: other.groups.key(of: group)))) }
        state.growAccumulators()
        for (group, target) in targets.enumerated() {
            state.rowCounts[target] += other.rowCounts[group]
            for slot in state.sums.indices { state.sums[slot].merge(other.sums[slot], group: group, into: target) }
            for slot in state.extremes.indices { state.extremes[slot].merge(other.extremes[slot], group: group, into: target) }
            for slot in state.deviations.indices {
                state.deviations[slot].merge(other.deviations[slot], group: group, into: target)
            }
            for slot in state.edges.indices { state.edges[slot].merge(other.edges[slot], group: group, into: target) }
            for slot in state.presentCounts.indices {
                state.presentCounts[slot].merge(other.presentCounts[slot], group: group, into: target)
            }
        }
        for slot in state.medians.indices { state.medians[slot].merge(other.medians[slot], targets: targets) }
        for slot in state.distincts.indices { state.distincts[slot].merge(other.distincts[slot], targets: targets) }
        for slot in state.collects.indices { state.collects[slot].merge(other.collects[slot], targets: targets) }
    }

    /// One row per group, in first-seen order: the group-by fields, then each aggregation;
    /// only the rows `having` keeps. A state that spilled is finished from its spill files,
    /// all in one batch.
    public func finish(_ state: AggregateState) throws -> RecordBatch {
        if let book = state.spill {
            if let failure = book.failure { throw failure }
            guard let space = book.space else { throw AggregateSpillError.malformed("spill space") }
            let stream = try finish(state, space: space)
            var batches: [RecordBatch] = []
            while let batch = try stream.next() { batches.append(batch) }
            return batches.isEmpty ? results(makeState()).selecting([]) : RecordBatch.concatenate(batches)
        }
        let output = results(state)
        guard let having else { return output }
        return output.selecting(having.selectedRows(output))
    }

    /// One row per group of `state` (which holds every group), in first-seen order: the
    /// group-by fields, then each aggregation, before `having`.
    func results(_ state: AggregateState) -> RecordBatch {
        let count = state.groupCount
        var columns: [Column] = []
        for field in groupBy.indices {
            var builder = ColumnBuilder(capacity: count)
            for group in 0..<count { builder.append(state.groups.value(of: group, field: field)) }
            columns.append(builder.build())
        }
        var values: [Int: MedianAccumulator.Grouped] = [:]
        var lists: [Int: [Value]] = [:]
        for step in plan.steps {
            var builder = ColumnBuilder(capacity: count)
            let slot = step.slot
            switch step.spec.function {
            case .count: for group in 0..<count { builder.appendInt(state.rowCounts[group]) }
            case .sum: for group in 0..<count { builder.append(state.sums[slot].sum(group)) }
            case .avg: for group in 0..<count { builder.append(state.sums[slot].average(group)) }
            case .min, .max: for group in 0..<count { builder.append(state.extremes[slot].result(group)) }
            case .median, .percentile:
                var grouped = values.removeValue(forKey: slot) ?? state.medians[slot].grouped(groupCount: count)
                for group in 0..<count {
                    builder.append(step.spec.p.map { grouped.quantile($0, of: group) } ?? grouped.median(group))
                }
                values[slot] = grouped
            case .stddev, .stddevPop, .variance, .variancePop:
                let statistic = Self.statistic(step.spec.function)
                for group in 0..<count { builder.append(state.deviations[slot].result(group, statistic)) }
            case .countDistinct: for group in 0..<count { builder.appendInt(state.distincts[slot].count(group)) }
            case .countNonNull: for group in 0..<count { builder.appendInt(state.presentCounts[slot].count(group)) }
            case .first, .last: for group in 0..<count { builder.append(state.edges[slot].result(group)) }
            case .collect:
                let groupLists = lists[slot] ?? state.collects[slot].lists(groupCount: count)
                for list in groupLists { builder.append(list) }
                lists[slot] = groupLists
            }
            columns.append(builder.build())
        }
        return RecordBatch(fields: groupBy + plan.steps.map(\.spec.output), columns: columns, positions: Array(1..<(count + 1)))
    }

    /// The statistic a deviation or variance function reports.
    private static func statistic(_ function: AggregationFunction) -> DeviationAccumulator.Statistic {
        switch function {
        case .stddevPop: return .populationDeviation
        case .variance: return .sampleVariance
        case .variancePop: return .populationVariance
        default: return .sampleDeviation
        }
    }

    /// Group-by fields are copied; each aggregation derives from its field (`count` from none).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        groupBy.map { FieldDerivation(output: $0, inputs: [$0], how: "group") }
            + plan.steps.map { step in
                FieldDerivation(
                    output: step.spec.output, inputs: step.spec.function == .count ? [] : [step.spec.field],
                    how: step.spec.function.rawValue)
            }
    }

    /// The group keys and the aggregated fields, whatever follows needs (an aggregate's
    /// output holds nothing else; `having` reads only outputs).
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        .only(Set(groupBy).union(plan.feeds.map(\.field)))
    }
}

import SluiceCore

/// Groups records and computes `sum`, `avg`, `min`, `max`, `count`, `median` and `stddev` per
/// group (SEED.md "Aggregate Data"): `{"groupBy": ["region"], "aggregations": {"amount": "sum"}}`.
///
/// Emits one row per group in first-seen order with the group-by fields, then one field per
/// aggregation (see ``AggregationList`` for the three ways to name them). `count` counts the
/// group's rows (its field need not exist); the others use numeric values only (ints,
/// doubles, numeric strings), ignoring nulls, NaN and anything else. A sum of ints stays an
/// int unless it overflows; `median` is exact (the mean of the two middle values for an even
/// count) and `stddev` is the sample standard deviation, null for fewer than two values, both
/// as DuckDB computes `median` and `stddev_samp`.
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

        /// A config with these group-by fields and aggregations.
        public init(groupBy: [String], aggregations: AggregationList) {
            self.groupBy = groupBy
            self.aggregations = aggregations
        }

        enum CodingKeys: String, CodingKey { case groupBy, aggregations }

        /// Decodes a config; a missing `groupBy` means no grouping.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            groupBy = try c.decodeIfPresent([String].self, forKey: .groupBy) ?? []
            aggregations = try c.decodeIfPresent(AggregationList.self, forKey: .aggregations) ?? AggregationList([])
        }
    }

    /// The accumulator a function reads; functions of one field with the same kind share one.
    enum AccumulatorKind: Hashable, Sendable {
        case rows, sums, min, max, median, deviation

        init(_ function: AggregationFunction) {
            switch function {
            case .count: self = .rows
            case .sum, .avg: self = .sums
            case .min: self = .min
            case .max: self = .max
            case .median: self = .median
            case .stddev: self = .deviation
            }
        }
    }

    /// One output aggregation: its spec and accumulator slot.
    struct Step: Sendable {
        let spec: AggregationSpec
        /// Index into the state's array for the function's ``AccumulatorKind``.
        let slot: Int
    }

    /// One accumulator to feed: which field, of which kind, at which slot.
    struct Feed: Sendable {
        let field: String
        let kind: AccumulatorKind
        let slot: Int
    }

    /// The group-by fields.
    public let groupBy: [String]
    let steps: [Step]
    private let feeds: [Feed]
    /// How many `min` accumulators there are; the state keeps the `max` ones after them.
    private let minCount: Int

    /// Builds the aggregate; throws ``SpecError`` at `groupBy[i]` or the aggregation's path.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        var groupFields = Set<String>()
        for (i, field) in config.groupBy.enumerated() where !groupFields.insert(field).inserted {
            throw SpecError(path: "groupBy[\(i)]", "duplicate field '\(field)'")
        }
        guard !config.aggregations.items.isEmpty || !config.groupBy.isEmpty else {
            throw SpecError(path: "aggregations", "expected at least one aggregation, as {\"amount\": \"sum\"}, or a groupBy field")
        }
        var producedAt: [String: String] = [:]
        var feeds: [Feed] = []
        var slotOf: [String: [AccumulatorKind: Int]] = [:]
        var counts: [AccumulatorKind: Int] = [:]
        var steps: [Step] = []
        for spec in config.aggregations.items {
            guard !groupFields.contains(spec.output) else {
                throw SpecError(path: spec.path, "'\(spec.output)' is also a groupBy field; the output cannot hold two fields of that name")
            }
            if let earlier = producedAt[spec.output] {
                throw SpecError(path: spec.path, "output field '\(spec.output)' is also produced by \(earlier)")
            }
            producedAt[spec.output] = spec.path
            let kind = AccumulatorKind(spec.function)
            if kind == .rows {
                steps.append(Step(spec: spec, slot: 0))
            } else if let slot = slotOf[spec.field]?[kind] {
                steps.append(Step(spec: spec, slot: slot))
            } else {
                let slot = counts[kind, default: 0]
                counts[kind] = slot + 1
                slotOf[spec.field, default: [:]][kind] = slot
                feeds.append(Feed(field: spec.field, kind: kind, slot: slot))
                steps.append(Step(spec: spec, slot: slot))
            }
        }
        groupBy = config.groupBy
        self.steps = steps
        self.feeds = feeds
        minCount = counts[.min, default: 0]
    }

    /// A fresh state; an ungrouped aggregate starts with its one group.
    public func makeState() -> AggregateState {
        let count = { (kind: AccumulatorKind) in feeds.filter { $0.kind == kind }.count }
        let extremes = Array(repeating: false, count: minCount) + Array(repeating: true, count: count(.max))
        return AggregateState(
            groupFields: groupBy.count, sums: count(.sums), extremes: extremes, medians: count(.median),
            deviations: count(.deviation))
    }

    /// The index into the state's `extremes` of a min or max slot.
    private func extremeIndex(_ kind: AccumulatorKind, _ slot: Int) -> Int {
        kind == .min ? slot : minCount + slot
    }

    /// Adds `batch` to the groups; an aggregate refuses no rows and emits nothing until the end.
    public func consume(_ batch: RecordBatch, into state: inout AggregateState) throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        let groups = state.groups.assign(groupBy.map { batch.column(named: $0) }, count: batch.count)
        state.growAccumulators()
        state.rowCounts.withUnsafeMutableBufferPointer { counts in
            for group in groups { counts[Int(group)] += 1 }
        }
        for feed in feeds {
            guard let column = batch.column(named: feed.field) else { continue }
            switch feed.kind {
            case .rows: break
            case .sums: state.sums[feed.slot].consume(column, groups: groups)
            case .min, .max: state.extremes[extremeIndex(feed.kind, feed.slot)].consume(column, groups: groups)
            case .median: state.medians[feed.slot].consume(column, groups: groups)
            case .deviation: state.deviations[feed.slot].consume(column, groups: groups)
            }
        }
        return BatchResult(batch: .empty)
    }

    /// The bytes of the group table (keys included) and of every accumulator, medians' kept
    /// values among them.
    public func estimatedBytes(of state: AggregateState) -> Int {
        state.estimatedBytes
    }

    /// Adds the groups of `other` (a state of this aggregate built from other input) into
    /// `state`; groups new to `state` follow its own, in `other`'s order.
    public func merge(_ state: inout AggregateState, _ other: AggregateState) {
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
        }
        for slot in state.medians.indices { state.medians[slot].merge(other.medians[slot], targets: targets) }
    }

    /// One row per group, in first-seen order: the group-by fields, then each aggregation.
    public func finish(_ state: AggregateState) throws -> RecordBatch {
        let count = state.groupCount
        var columns: [Column] = []
        for field in groupBy.indices {
            var builder = ColumnBuilder(capacity: count)
            for group in 0..<count { builder.append(state.groups.value(of: group, field: field)) }
            columns.append(builder.build())
        }
        let medians = state.medians.map { $0.medians(groupCount: count) }
        for step in steps {
            var builder = ColumnBuilder(capacity: count)
            let slot = step.slot
            switch step.spec.function {
            case .count: for group in 0..<count { builder.appendInt(state.rowCounts[group]) }
            case .sum: for group in 0..<count { builder.append(state.sums[slot].sum(group)) }
            case .avg: for group in 0..<count { builder.append(state.sums[slot].average(group)) }
            case .min, .max:
                let extremes = state.extremes[extremeIndex(AccumulatorKind(step.spec.function), slot)]
                for group in 0..<count { builder.append(extremes.result(group)) }
            case .median: for value in medians[slot] { builder.append(value) }
            case .stddev: for group in 0..<count { builder.append(state.deviations[slot].result(group)) }
            }
            columns.append(builder.build())
        }
        return RecordBatch(fields: groupBy + steps.map(\.spec.output), columns: columns, positions: Array(1..<(count + 1)))
    }

    /// Group-by fields are copied; each aggregation derives from its field (`count` from none).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        groupBy.map { FieldDerivation(output: $0, inputs: [$0], how: "group") }
            + steps.map { step in
                FieldDerivation(
                    output: step.spec.output, inputs: step.spec.function == .count ? [] : [step.spec.field],
                    how: step.spec.function.rawValue)
            }
    }

    /// The group keys and the aggregated fields, whatever follows needs (an aggregate's
    /// output holds nothing else).
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        .only(Set(groupBy).union(feeds.map(\.field)))
    }
}

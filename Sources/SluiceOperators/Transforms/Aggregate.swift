import SluiceCore

/// Groups records and computes `sum`, `avg`, `min`, `max` and `count` per group (SEED.md
/// "Aggregate Data"): `{"groupBy": ["region"], "aggregations": {"amount": "sum", "orders": "count"}}`.
///
/// Emits one row per group in first-seen order with the group-by fields, then one field per
/// aggregation named after its key. `count` counts the group's rows (its field need not
/// exist); the others use numeric values only (ints, doubles, numeric strings), ignoring
/// nulls and anything else. A sum of ints stays an int unless it overflows.
public struct Aggregate: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "aggregate"
    public typealias State = AggregateState

    /// The `config` object of an aggregate step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields whose values form the group key (none: one group for everything).
        public var groupBy: [String]
        /// Field → function (`sum`, `avg`, `min`, `max`, `count`), in output order.
        public var aggregations: OrderedPairs

        /// A config with these group-by fields and aggregations.
        public init(groupBy: [String], aggregations: OrderedPairs) {
            self.groupBy = groupBy
            self.aggregations = aggregations
        }

        enum CodingKeys: String, CodingKey { case groupBy, aggregations }

        /// Decodes a config; a missing `groupBy` means no grouping.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            groupBy = try c.decodeIfPresent([String].self, forKey: .groupBy) ?? []
            aggregations = try c.decodeIfPresent(OrderedPairs.self, forKey: .aggregations) ?? OrderedPairs([])
        }
    }

    /// One output aggregation: its field, function, and accumulator slot.
    struct Step: Sendable {
        let field: String
        let function: AggregationFunction
        /// Index into the state's `sums` (sum, avg) or `extremes` (min, max).
        let slot: Int
    }

    /// The group-by fields.
    public let groupBy: [String]
    let steps: [Step]
    private let sumFields: [String]
    private let extremeFields: [(field: String, isMax: Bool)]

    /// Builds the aggregate; throws ``SpecError`` at `groupBy[i]` or `aggregations.<field>`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        var seen = Set<String>()
        for (i, field) in config.groupBy.enumerated() where !seen.insert(field).inserted {
            throw SpecError(path: "groupBy[\(i)]", "duplicate field '\(field)'")
        }
        guard !config.aggregations.pairs.isEmpty || !config.groupBy.isEmpty else {
            throw SpecError(path: "aggregations", "expected at least one aggregation, as {\"amount\": \"sum\"}, or a groupBy field")
        }
        var steps: [Step] = []
        var sumFields: [String] = []
        var extremeFields: [(String, Bool)] = []
        for pair in config.aggregations.pairs {
            let path = SpecPath.join("aggregations", pair.key)
            guard let function = AggregationFunction(rawValue: pair.value) else {
                throw SpecError(
                    path: path,
                    "unknown aggregation '\(pair.value)'; expected one of \(AggregationFunction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !seen.contains(pair.key) else {
                throw SpecError(path: path, "'\(pair.key)' is also a groupBy field; the output cannot hold two fields of that name")
            }
            switch function {
            case .sum, .avg:
                steps.append(Step(field: pair.key, function: function, slot: sumFields.count))
                sumFields.append(pair.key)
            case .min, .max:
                steps.append(Step(field: pair.key, function: function, slot: extremeFields.count))
                extremeFields.append((pair.key, function == .max))
            case .count:
                steps.append(Step(field: pair.key, function: function, slot: 0))
            }
        }
        groupBy = config.groupBy
        self.steps = steps
        self.sumFields = sumFields
        self.extremeFields = extremeFields
    }

    /// A fresh state; an ungrouped aggregate starts with its one group.
    public func makeState() -> AggregateState {
        AggregateState(groupFields: groupBy.count, sums: sumFields.count, extremes: extremeFields.map(\.isMax))
    }

    /// Adds `batch` to the groups; an aggregate refuses no rows.
    public func consume(_ batch: RecordBatch, into state: inout AggregateState) throws -> [Rejection] {
        guard !batch.isEmpty else { return [] }
        let groups = state.groups.assign(groupBy.map { batch.column(named: $0) }, count: batch.count)
        state.growAccumulators()
        state.rowCounts.withUnsafeMutableBufferPointer { counts in
            for group in groups { counts[Int(group)] += 1 }
        }
        for (slot, field) in sumFields.enumerated() {
            if let column = batch.column(named: field) { state.sums[slot].consume(column, groups: groups) }
        }
        for (slot, extreme) in extremeFields.enumerated() {
            if let column = batch.column(named: extreme.field) { state.extremes[slot].consume(column, groups: groups) }
        }
        return []
    }

    /// Adds the groups of `other` (a state of this aggregate built from other input) into
    /// `state`; groups new to `state` follow its own, in `other`'s order.
    public func merge(_ state: inout AggregateState, _ other: AggregateState) {
        for group in 0..<other.groupCount {
            let target = Int(state.groups.group(of: other.groups.key(of: group)))
            state.growAccumulators()
            state.rowCounts[target] += other.rowCounts[group]
            for slot in state.sums.indices { state.sums[slot].merge(other.sums[slot], group: group, into: target) }
            for slot in state.extremes.indices {
                state.extremes[slot].merge(other.extremes[slot], group: group, into: target)
            }
        }
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
        for step in steps {
            var builder = ColumnBuilder(capacity: count)
            for group in 0..<count {
                switch step.function {
                case .count: builder.append(.int(state.rowCounts[group]))
                case .sum: builder.append(state.sums[step.slot].sum(group))
                case .avg: builder.append(state.sums[step.slot].average(group))
                case .min, .max: builder.append(state.extremes[step.slot].result(group))
                }
            }
            columns.append(builder.build())
        }
        return RecordBatch(fields: groupBy + steps.map(\.field), columns: columns, positions: Array(1..<(count + 1)))
    }

    /// Group-by fields are copied; each aggregation derives from its field (`count` from none).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        groupBy.map { FieldDerivation(output: $0, inputs: [$0], how: "group") }
            + steps.map { step in
                FieldDerivation(
                    output: step.field, inputs: step.function == .count ? [] : [step.field], how: step.function.rawValue)
            }
    }
}

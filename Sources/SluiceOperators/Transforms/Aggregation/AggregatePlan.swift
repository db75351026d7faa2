import SluiceCore

/// Which accumulators an ``Aggregate`` feeds and where each output reads its result:
/// functions of one field that read the same accumulator share it (`sum` and `avg`; `median`
/// and every `percentile`; `stddev` and the variances).
struct AggregatePlan: Sendable {
    /// The accumulator a function reads.
    enum AccumulatorKind: Hashable, Sendable {
        case rows, sums, min, max, values, deviation, distinct, present, first, last, collect

        init(_ function: AggregationFunction) {
            switch function {
            case .count: self = .rows
            case .sum, .avg: self = .sums
            case .min: self = .min
            case .max: self = .max
            case .median, .percentile: self = .values
            case .stddev, .stddevPop, .variance, .variancePop: self = .deviation
            case .countDistinct: self = .distinct
            case .countNonNull: self = .present
            case .first: self = .first
            case .last: self = .last
            case .collect: self = .collect
            }
        }

        /// The state array holding this kind's accumulators (`min` and `max` share one, as
        /// do `first` and `last`).
        var family: Family {
            switch self {
            case .rows: return .rowCounts
            case .sums: return .sums
            case .min, .max: return .extremes
            case .values: return .medians
            case .deviation: return .deviations
            case .distinct: return .distincts
            case .present: return .presentCounts
            case .first, .last: return .edges
            case .collect: return .collects
            }
        }
    }

    /// An array of accumulators in ``AggregateState``.
    enum Family: Hashable, Sendable {
        case rowCounts, sums, extremes, medians, deviations, distincts, presentCounts, edges, collects
    }

    /// One output aggregation: its spec and accumulator slot.
    struct Step: Sendable {
        let spec: AggregationSpec
        /// Index into the state's array for the function's ``AccumulatorKind/family``.
        let slot: Int
    }

    /// One accumulator to feed: which field, of which kind, at which slot.
    struct Feed: Sendable {
        let field: String
        let kind: AccumulatorKind
        let slot: Int
    }

    let steps: [Step]
    let feeds: [Feed]

    /// Plans `aggregations` beside the `groupBy` fields; throws at an aggregation whose output
    /// name is taken.
    init(_ aggregations: [AggregationSpec], groupBy: [String]) throws(SpecError) {
        let groupFields = Set(groupBy)
        var producedAt: [String: String] = [:]
        var feeds: [Feed] = []
        var slotOf: [String: [AccumulatorKind: Int]] = [:]
        var counts: [Family: Int] = [:]
        var steps: [Step] = []
        for spec in aggregations {
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
                let slot = counts[kind.family, default: 0]
                counts[kind.family] = slot + 1
                slotOf[spec.field, default: [:]][kind] = slot
                feeds.append(Feed(field: spec.field, kind: kind, slot: slot))
                steps.append(Step(spec: spec, slot: slot))
            }
        }
        self.steps = steps
        self.feeds = feeds
    }

    /// A fresh state holding the planned accumulators, each at its slot.
    func makeState(groupFields: Int) -> AggregateState {
        func count(_ kinds: Set<AccumulatorKind>) -> Int { feeds.filter { kinds.contains($0.kind) }.count }
        return AggregateState(
            groupFields: groupFields, sums: count([.sums]),
            extremes: feeds.filter { $0.kind == .min || $0.kind == .max }.map { $0.kind == .max },
            medians: count([.values]), deviations: count([.deviation]), distincts: count([.distinct]),
            edges: feeds.filter { $0.kind == .first || $0.kind == .last }.map { $0.kind == .last },
            collects: count([.collect]), presentCounts: count([.present]))
    }
}

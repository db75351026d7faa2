import SluiceCore

/// Fills null and absent values:
/// `{"fields": {"age": {"strategy": "mean"}, "region": {"value": "unknown"}, "price": {"strategy": "forward"}}}`.
///
/// Strategies (see ``FillRule/Strategy``): a constant `value`; `mean`, `median` (of the
/// field's ints and doubles; other values are not counted) and `mode` (any value, ties to
/// the first seen) over the whole input; `forward`, the last non-null value before it in
/// input order, carried across batches (nulls before the first value stay null). A field a
/// batch lacks is added when there is a value to fill it with.
///
/// With only constant and forward rules the step streams: each batch is filled and emitted
/// at once. With any mean, median or mode rule it holds every record until the input ends
/// (reported by ``estimatedBytes(of:)`` against the job's memory budget) and emits them all,
/// in order, from ``finish(_:)``. A field whose statistic has nothing to work from (no
/// numbers) keeps its nulls.
public struct FillNulls: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "fillNulls"
    public typealias State = FillNullsState

    /// The `config` object of a fillNulls step.
    public struct Config: Decodable, Sendable, Equatable {
        /// Field → how to fill it, in the order written.
        public var fields: FillRuleList
    }

    /// The rules, in the order written.
    public let rules: [FillRule]
    /// Whether records are held until the end (some rule needs every value).
    public let holdsInput: Bool

    /// Builds the step; throws ``SpecError`` at `fields…`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        rules = try config.fields.rules()
        holdsInput = rules.contains { $0.strategy.needsAllValues }
    }

    /// A fresh state.
    public func makeState() -> FillNullsState { FillNullsState(rules: rules) }

    /// Streaming: the batch, filled. Holding: nothing yet (the batch is kept and counted).
    public func consume(_ batch: RecordBatch, into state: inout FillNullsState) throws -> BatchResult {
        guard holdsInput else { return BatchResult(batch: fill(batch, last: &state.last, values: [])) }
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        for (i, rule) in rules.enumerated() where state.statistics[i] != nil {
            state.statistics[i]?.add(batch.column(named: rule.field), count: batch.count)
        }
        state.held.append(batch)
        state.heldBytes += batch.storageBytes
        return BatchResult(batch: .empty)
    }

    /// Holding: every record, filled, in input order. Streaming: nothing.
    public func finish(_ state: FillNullsState) throws -> RecordBatch {
        guard holdsInput, !state.held.isEmpty else { return .empty }
        var last = state.last
        let values = state.statistics.map { $0?.value() }
        return fill(BatchConcatenation.concatenate(state.held), last: &last, values: values)
    }

    /// The held records and statistics.
    public func estimatedBytes(of state: FillNullsState) -> Int { state.estimatedBytes }

    /// `batch` with every rule applied; `values` holds the statistics' fill values per rule
    /// (empty when streaming).
    func fill(_ batch: RecordBatch, last: inout [Value?], values: [Value?]) -> RecordBatch {
        guard !batch.isEmpty else { return batch }
        var output = batch
        for (i, rule) in rules.enumerated() {
            let column = batch.column(named: rule.field)
            let filled: Column?
            switch rule.strategy {
            case .constant:
                filled = Self.filled(column, with: rule.value, count: batch.count)
            case .mean, .median, .mode:
                filled = values.indices.contains(i) ? values[i].flatMap { Self.filled(column, with: $0, count: batch.count) } : nil
            case .forward:
                filled = Self.forwardFilled(column, carried: &last[i], count: batch.count)
            }
            if let filled { output.setColumn(filled, named: rule.field) }
        }
        return output
    }

    /// `column` with its null and absent rows set to `value`, or `nil` when none is.
    static func filled(_ column: Column?, with value: Value, count: Int) -> Column? {
        guard let column else { return Column(values: Array(repeating: value, count: count)) }
        guard let presence = column.presence, presence.contains(where: { $0 != .present }) else { return nil }
        var builder = ColumnBuilder(capacity: count)
        for row in 0..<count {
            if presence[row] == .present { builder.append(from: column, row: row) } else { builder.append(value) }
        }
        return builder.build()
    }

    /// `column` with each null or absent row set to the last value before it, starting from
    /// `carried` (updated to the batch's last value); `nil` when nothing changes.
    static func forwardFilled(_ column: Column?, carried: inout Value?, count: Int) -> Column? {
        guard let column else { return carried.map { Column(values: Array(repeating: $0, count: count)) } }
        guard let presence = column.presence else {
            carried = column.value(at: count - 1)
            return nil
        }
        var builder = ColumnBuilder(capacity: count)
        var lastRow: Int?
        for row in 0..<count {
            if presence[row] == .present {
                builder.append(from: column, row: row)
                lastRow = row
            } else if let lastRow {
                builder.append(from: column, row: lastRow)
            } else if let carried {
                builder.append(carried)
            } else {
                builder.append(from: column, row: row)
            }
        }
        if let lastRow { carried = column.value(at: lastRow) }
        return builder.build()
    }

    /// Filled fields derive from themselves by `fillNulls`; the rest are copied.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let filled = Set(rules.map(\.field))
        var out = inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: filled.contains($0) ? "fillNulls" : "copy") }
        let present = Set(inputFields)
        for rule in rules where !present.contains(rule.field) {
            out.append(FieldDerivation(output: rule.field, inputs: [], how: "fillNulls"))
        }
        return out
    }

    /// What follows needs: each field is filled from its own values.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }
}

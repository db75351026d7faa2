import SluiceCore

/// Keeps the records for which a condition is true: one test,
/// `{"field": "status", "operator": "eq", "value": "active"}`, or `and` / `or` / `not` over
/// tests, nested to any depth: `{"or": [{…}, {"not": {…}}]}` (see ``ConditionSpec``).
///
/// Comparisons are loose, as JavaScript's `==` is: numbers compare across int and double, a numeric
/// string compares as a number against a number (`"42"` eq 42), null or absent cells pass
/// `eq null` and `ne` anything non-null, and never pass an ordering comparison. Combinations
/// follow SQL's three-valued logic (see ``Condition``).
public struct Filter: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "filter"

    /// The `config` object of a filter step: the condition itself.
    public struct Config: Decodable, Sendable, Equatable {
        /// What a record must satisfy to be kept.
        public var condition: ConditionSpec

        /// A config keeping the records that satisfy `condition`.
        public init(condition: ConditionSpec) {
            self.condition = condition
        }

        /// A config comparing `field` with `value`.
        public init(field: String, operator: String, value: Value) {
            condition = .test(field: field, operator: `operator`, value: value)
        }

        /// Decodes the condition the config object spells.
        public init(from decoder: any Decoder) throws {
            condition = try ConditionSpec(from: decoder)
        }
    }

    /// The compiled condition.
    public let condition: Condition

    /// Builds the filter; throws ``SpecError`` at the offending test's `operator` or `value`
    /// (relative to `config`: `operator`, `and[1].or[0].value`).
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        condition = try Condition(config.condition)
    }

    /// The rows of `batch` that pass.
    /// A record the condition does not select is dropped, unless an expression test failed
    /// on it (division by zero, a failed cast): then it goes to the dead-letter queue with
    /// the reason, since the condition could not be decided.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let (selected, failed) = condition.evaluate(batch)
        let rejected = failed.map { row, reason in
            Rejection(record: .object(batch.record(at: row)), reasons: [reason], position: batch.positions[row], stage: Filter.operation)
        }
        return BatchResult(batch: batch.selecting(selected), rejected: rejected)
    }

    /// Every input field passes through unchanged.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// Field tests decide dictionary-encoded text once per entry, and the rows kept keep
    /// their encoding (expression tests read a plain copy).
    public var readsDictionaryText: Bool { true }

    /// What follows needs, plus every field the condition tests.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output.adding(condition.fields) }
}

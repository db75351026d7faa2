import SluiceCore

/// Keeps the records whose field passes a comparison (SEED.md "Filter Records"):
/// `{"field": "status", "operator": "eq", "value": "active"}`.
///
/// Comparisons follow the seed's JavaScript: numbers compare across int and double, a numeric
/// string compares as a number against a number (`"42"` eq 42), null or absent cells pass
/// `eq null` and `ne` anything non-null, and never pass an ordering comparison.
public struct Filter: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "filter"

    /// The `config` object of a filter step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The field to test.
        public var field: String
        /// One of `eq, ne, gt, gte, lt, lte, in, contains`.
        public var `operator`: String
        /// The value to compare with (an array for `in`); null when left out.
        public var value: Value

        /// A config comparing `field` with `value`.
        public init(field: String, operator: String, value: Value) {
            self.field = field
            self.operator = `operator`
            self.value = value
        }

        enum CodingKeys: String, CodingKey { case field, `operator`, value }

        /// Decodes a config; a missing `value` is null.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            field = try c.decode(String.self, forKey: .field)
            self.operator = try c.decode(String.self, forKey: .operator)
            value = try c.decodeIfPresent(Value.self, forKey: .value) ?? .null
        }
    }

    /// The field tested.
    public let field: String
    let predicate: FilterPredicate

    /// Builds the filter; throws ``SpecError`` at `operator` or `value` (relative to `config`).
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard let op = FilterOperator(rawValue: config.operator) else {
            throw SpecError(
                path: "operator",
                "unknown operator '\(config.operator)'; expected one of \(FilterOperator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        switch op {
        case .in:
            guard case .array = config.value else {
                throw SpecError(path: "value", "in expects an array of values, got \(config.value.kindName)")
            }
        case .gt, .gte, .lt, .lte:
            switch config.value {
            case .null, .array, .object:
                throw SpecError(
                    path: "value", "\(op.rawValue) expects a number, string or boolean to compare with, got \(config.value.kindName)")
            default: break
            }
        case .eq, .ne, .contains:
            break
        }
        field = config.field
        predicate = FilterPredicate(op: op, value: config.value)
    }

    /// The rows of `batch` that pass.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        BatchResult(batch: batch.selecting(selectedRows(batch)))
    }

    /// The indexes of the rows of `batch` that pass, in order.
    func selectedRows(_ batch: RecordBatch) -> [Int] {
        guard let index = batch.index(of: field) else {
            return predicate.acceptsMissing ? Array(0..<batch.count) : []
        }
        return FilterScan(predicate: predicate, column: batch.columns[index], count: batch.count).rows()
    }

    /// Every input field passes through unchanged.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// What follows needs, plus the field tested.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output.adding([field]) }
}

import SluiceCore

/// Keeps only the named fields, in the order named: `{"fields": ["id", "email"]}`.
///
/// Columns are reused, not copied. A named field that a batch lacks stays absent (the output
/// has no such column), so records never gain keys they did not have.
public struct SelectFields: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "select"

    /// The `config` object of a select step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields to keep, in output order.
        public var fields: [String]

        /// A config keeping `fields`.
        public init(fields: [String]) {
            self.fields = fields
        }
    }

    /// The fields kept, in output order.
    public let fields: [String]

    /// Builds the step; throws ``SpecError`` at `fields` when the list is empty or repeats a name.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        fields = try FieldNameList.checked(config.fields, path: "fields")
    }

    /// The batch with only the selected fields, in the configured order.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        var names: [String] = []
        var columns: [Column] = []
        names.reserveCapacity(fields.count)
        columns.reserveCapacity(fields.count)
        for field in fields {
            guard let index = batch.index(of: field) else { continue }
            names.append(field)
            columns.append(batch.columns[index])
        }
        return BatchResult(batch: RecordBatch(fields: names, columns: columns, positions: batch.positions))
    }

    /// Each selected input field is copied.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let present = Set(inputFields)
        return fields.filter(present.contains).map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// The selected fields that what follows needs.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        switch output {
        case .all: return .only(Set(fields))
        case .only(let needed): return .only(needed.intersection(fields))
        }
    }
}

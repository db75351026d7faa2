import SluiceCore

/// Drops the named fields: `{"fields": ["password"]}`. Fields a batch lacks are ignored.
public struct RemoveFields: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "remove"

    /// The `config` object of a remove step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields to drop.
        public var fields: [String]

        /// A config dropping `fields`.
        public init(fields: [String]) {
            self.fields = fields
        }
    }

    /// The fields dropped.
    public let fields: [String]
    private let dropped: Set<String>

    /// Builds the step; throws ``SpecError`` at `fields` when the list is empty or repeats a name.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        fields = try FieldNameList.checked(config.fields, path: "fields")
        dropped = Set(fields)
    }

    /// The batch without the dropped fields; the other columns are reused as they are.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        guard batch.fields.contains(where: dropped.contains) else { return BatchResult(batch: batch) }
        var names: [String] = []
        var columns: [Column] = []
        for (name, column) in zip(batch.fields, batch.columns) where !dropped.contains(name) {
            names.append(name)
            columns.append(column)
        }
        return BatchResult(batch: RecordBatch(fields: names, columns: columns, positions: batch.positions))
    }

    /// Every field that is not dropped is copied.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.filter { !dropped.contains($0) }.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// What follows needs (it cannot need a dropped field).
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        switch output {
        case .all: return .all
        case .only(let needed): return .only(needed.subtracting(dropped))
        }
    }
}

import SluiceCore

/// Renames and selects fields: `{"mapping": {"customer_id": "id"}}`.
///
/// Output records hold exactly the mapped fields, in mapping order (a JavaScript
/// `Object.entries(mapping).forEach(([n, o]) => out[n] = r[o])`). Columns are reused, not
/// copied; a source field the batch lacks gives an output field that is absent in every row.
public struct Map: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "map"

    /// The `config` object of a map step.
    public struct Config: Decodable, Sendable, Equatable {
        /// New field name → source field name, in output order.
        public var mapping: OrderedPairs

        /// A config with this mapping.
        public init(mapping: OrderedPairs) {
            self.mapping = mapping
        }
    }

    /// New field name → source field name, in output order.
    public let mapping: [OrderedPairs.Pair]

    /// Builds the map; throws ``SpecError`` at `mapping` when it is empty.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.mapping.pairs.isEmpty else {
            throw SpecError(path: "mapping", "mapping must name at least one field, as {\"new_name\": \"old_name\"}")
        }
        mapping = config.mapping.pairs
    }

    /// The batch with only the mapped fields, renamed.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let columns = mapping.map { pair in batch.column(named: pair.value) ?? Column.absent(count: batch.count) }
        return BatchResult(batch: RecordBatch(fields: mapping.map(\.key), columns: columns, positions: batch.positions))
    }

    /// Each output field is its source field renamed (`copy` when the name is unchanged).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        mapping.map { FieldDerivation(output: $0.key, inputs: [$0.value], how: $0.key == $0.value ? "copy" : "rename") }
    }
}

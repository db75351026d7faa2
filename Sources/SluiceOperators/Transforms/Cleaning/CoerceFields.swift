import SluiceCore

/// Applies schema validation's safe coercions: `{"fields": {"age": "number"}}`.
///
/// Exactly what a non-strict schema does to a field of that type (it calls the same code):
/// numeric strings become numbers, `"true"`/`"false"` (any case) become booleans, numbers,
/// booleans and dates become strings. A value that cannot be coerced stays as it is, and no
/// record is ever rejected; use `cast` to reject or null such values instead.
public struct CoerceFields: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "coerce"

    /// The `config` object of a coerce step.
    public struct Config: Decodable, Sendable, Equatable {
        /// Field → schema type name (`string`, `number`, `boolean`, `date`, `array`, `object`).
        public var fields: OrderedPairs

        /// A config coercing `fields`.
        public init(fields: OrderedPairs) {
            self.fields = fields
        }
    }

    /// The fields and their types, in the order written.
    public let coercions: [(field: String, type: FieldType)]

    /// Builds the step; throws ``SpecError`` at `fields` or `fields.<name>`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.fields.pairs.isEmpty else {
            throw SpecError(path: "fields", "expected at least one field and type, as {\"age\": \"number\"}")
        }
        coercions = try config.fields.pairs.map { pair throws(SpecError) in
            guard let type = FieldType(rawValue: pair.value) else {
                throw SpecError(
                    path: "fields.\(pair.key)",
                    "unknown type '\(pair.value)'; expected one of \(FieldType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return (pair.key, type)
        }
    }

    /// The batch with the coercible values of each field rewritten.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        var output = batch
        for (field, type) in coercions {
            guard let column = batch.column(named: field), let coerced = Self.coerced(column, to: type) else { continue }
            output.setColumn(coerced, named: field)
        }
        return BatchResult(batch: output)
    }

    /// `column` with its values coerced to `type`, or `nil` when none changes.
    static func coerced(_ column: Column, to type: FieldType) -> Column? {
        switch (type, column.storage) {
        case (.number, .ints), (.number, .doubles), (.string, .text), (.boolean, .bools):
            return nil
        default:
            var copy = LazyColumnCopy(column)
            for row in 0..<column.count {
                guard column.isPresent(row) else {
                    copy.keep(row)
                    continue
                }
                if case .replace(let value) = Coercion.of(column.value(at: row), to: type, strict: false) {
                    copy.replace(row, with: value)
                } else {
                    copy.keep(row)
                }
            }
            return copy.build()
        }
    }

    /// Coerced fields derive from themselves by `coerce`; the rest are copied.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let coerced = Set(coercions.map(\.field))
        return inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: coerced.contains($0) ? "coerce" : "copy") }
    }

    /// What follows needs: each field is rewritten in place.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output }
}

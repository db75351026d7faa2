import SluiceCore

/// Converts fields to types:
/// `{"fields": {"amount": "number", "age": "integer"}, "onError": "reject"}`.
///
/// Types and conversion rules are those of ``CastType`` (DuckDB's `TRY_CAST` where DuckDB
/// has the type). A value that cannot be converted sends its row to the dead-letter queue
/// with one reason per failed field (`Field age: cannot cast 'abc' to integer`) under
/// `onError: "reject"` (the default), or becomes null under `onError: "null"`. Null and
/// absent values stay as they are.
public struct CastFields: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "cast"
    /// The stage name recorded on rejections.
    public static let stage = "transform:cast"

    /// What happens to a value that cannot be converted.
    public enum OnError: String, Sendable, CaseIterable {
        /// The row goes to the dead-letter queue.
        case reject
        /// The value becomes null.
        case null
    }

    /// The `config` object of a cast step.
    public struct Config: Decodable, Sendable, Equatable {
        /// Field → type name, in the order written.
        public var fields: OrderedPairs
        /// `reject` or `null`.
        public var onError: String

        /// A config casting `fields`.
        public init(fields: OrderedPairs, onError: String = "reject") {
            self.fields = fields
            self.onError = onError
        }

        enum CodingKeys: String, CodingKey { case fields, onError }

        /// Decodes a config; a missing `onError` means `reject`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decode(OrderedPairs.self, forKey: .fields)
            onError = try c.decodeIfPresent(String.self, forKey: .onError) ?? "reject"
        }
    }

    /// The fields and their target types, in the order written.
    public let casts: [(field: String, type: CastType)]
    /// What happens to values that cannot be converted.
    public let onError: OnError

    /// Builds the step; throws ``SpecError`` at `fields`, `fields.<name>` or `onError`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.fields.pairs.isEmpty else {
            throw SpecError(path: "fields", "expected at least one field and type, as {\"amount\": \"number\"}")
        }
        casts = try config.fields.pairs.map { pair throws(SpecError) in
            guard let type = CastType(rawValue: pair.value) else {
                throw SpecError(
                    path: "fields.\(pair.key)",
                    "unknown type '\(pair.value)'; expected one of \(CastType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return (pair.key, type)
        }
        guard let onError = OnError(rawValue: config.onError) else {
            throw SpecError(path: "onError", "expected reject or null, found '\(config.onError)'")
        }
        self.onError = onError
    }

    /// The batch with the fields converted, and the rows that could not be (under `reject`).
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        var output = batch
        var failures: [(row: Int, reason: String)] = []
        for (field, type) in casts {
            guard let index = batch.index(of: field) else { continue }
            let original = batch.columns[index]
            let cast = CastColumn(original, to: type, count: batch.count)
            output.setColumn(cast.column, named: field)
            guard onError == .reject else { continue }
            for row in cast.failed {
                failures.append((row, "Field \(field): cannot cast \(original.value(at: row).quotedText) to \(type.rawValue)"))
            }
        }
        guard !failures.isEmpty else { return BatchResult(batch: output) }
        return RejectedRows.split(output, failures: failures, original: batch, stage: Self.stage)
    }

    /// Cast fields derive from themselves by `cast`; the rest are copied.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        let cast = Set(casts.map(\.field))
        return inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: cast.contains($0) ? "cast" : "copy") }
    }

    /// What follows needs; under `reject` also every cast field, since its values decide
    /// which rows go on.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        onError == .reject ? output.adding(casts.map(\.field)) : output
    }
}

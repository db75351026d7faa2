import SluiceCore

/// Drops nulls: `{"fields": ["email"], "mode": "rows"}`.
///
/// - `rows` (the default) drops every record where any of `fields` (every field of the batch
///   when left out) is null or absent, as `WHERE email IS NOT NULL` does.
/// - `fields` removes the null-valued `fields` (every field when left out) from each record,
///   so they become absent; the records all go on.
public struct RemoveNulls: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "removeNulls"

    /// What is removed.
    public enum Mode: String, Sendable, CaseIterable {
        case rows, fields
    }

    /// The `config` object of a removeNulls step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields checked; every field when `nil`.
        public var fields: [String]?
        /// `rows` or `fields`.
        public var mode: String

        /// A config with these settings.
        public init(fields: [String]? = nil, mode: String = "rows") {
            self.fields = fields
            self.mode = mode
        }

        enum CodingKeys: String, CodingKey { case fields, mode }

        /// Decodes a config; a missing `mode` means `rows`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decodeIfPresent([String].self, forKey: .fields)
            mode = try c.decodeIfPresent(String.self, forKey: .mode) ?? "rows"
        }
    }

    /// The fields checked; every field when `nil`.
    public let fields: [String]?
    /// What is removed.
    public let mode: Mode

    /// Builds the step; throws ``SpecError`` at `fields` or `mode`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        fields = try TextFieldsConfig.checked(config.fields)
        guard let mode = Mode(rawValue: config.mode) else {
            throw SpecError(path: "mode", "expected rows or fields, found '\(config.mode)'")
        }
        self.mode = mode
    }

    /// The batch without the null rows or null fields.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        switch mode {
        case .rows: return BatchResult(batch: batch.selecting(keptRows(batch)))
        case .fields: return BatchResult(batch: withoutNullFields(batch))
        }
    }

    /// The rows where every checked field holds a value.
    func keptRows(_ batch: RecordBatch) -> [Int] {
        var keep = [Bool](repeating: true, count: batch.count)
        let checked = fields ?? batch.fields
        for field in checked {
            guard let column = batch.column(named: field) else { return [] }
            guard let presence = column.presence else { continue }
            for row in 0..<batch.count where presence[row] != .present { keep[row] = false }
        }
        return keep.indices.filter { keep[$0] }
    }

    /// The batch with null cells of the checked fields made absent.
    func withoutNullFields(_ batch: RecordBatch) -> RecordBatch {
        var output = batch
        let checked = fields.map { Set($0) }
        for (name, column) in zip(batch.fields, batch.columns) where checked?.contains(name) ?? true {
            guard let presence = column.presence, presence.contains(.null) else { continue }
            let absent = presence.map { $0 == .null ? Column.Presence.absent : $0 }
            output.setColumn(Column(storage: column.storage, presence: absent), named: name)
        }
        return output
    }

    /// Every field passes through unchanged (or is left out where it was null).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// In `rows` mode the checked fields decide which records go on, so they are needed
    /// (every field when none are listed); in `fields` mode, what follows needs.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        switch mode {
        case .fields: return output
        case .rows: return fields.map { output.adding($0) } ?? .all
        }
    }
}

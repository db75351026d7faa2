import SluiceCore

/// Drops records whose key fields repeat an earlier record's:
/// `{"fields": ["email"], "keep": "first"}`.
///
/// Keys compare as the aggregate's group keys do: null and absent are one value (rows without
/// any key values dedupe together), `1` and `1.0` are one value, `"1"` and `1` are two, and
/// text compares by its bytes. Key values are hashed from the typed columns (text as bytes,
/// numbers as words) and only their bytes are kept, never a `String` per key.
///
/// - `keep: "first"` (the default) streams: each batch's first occurrences leave ``consume(_:into:)``
///   at once, in input order, and ``finish(_:)`` emits nothing.
/// - `keep: "last"` holds rows until the end and emits one row per key **in the order of
///   the key's first occurrence, with the values of its last occurrence** (and that row's
///   source position), as `SELECT DISTINCT ON` over rows ordered newest-first would give but
///   keeping the familiar first-seen order. Rows superseded by a later duplicate are dropped
///   from memory as input arrives, so the state stays near the size of the distinct rows.
public struct Dedupe: StatefulTransform {
    /// The spec's operation name.
    public static let operation = "dedupe"
    public typealias State = DedupeState

    /// Which row of each key survives.
    public enum Keep: String, Sendable, CaseIterable {
        case first, last
    }

    /// The `config` object of a dedupe step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The fields whose values together form the key.
        public var fields: [String]
        /// `first` or `last`.
        public var keep: String

        /// A config deduplicating on `fields`.
        public init(fields: [String], keep: String = "first") {
            self.fields = fields
            self.keep = keep
        }

        enum CodingKeys: String, CodingKey { case fields, keep }

        /// Decodes a config; a missing `keep` means `first`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            fields = try c.decode([String].self, forKey: .fields)
            keep = try c.decodeIfPresent(String.self, forKey: .keep) ?? "first"
        }
    }

    /// The key fields.
    public let fields: [String]
    /// Which row of each key survives.
    public let keep: Keep

    /// Builds the dedupe; throws ``SpecError`` at `fields` or `keep`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.fields.isEmpty else {
            throw SpecError(path: "fields", "expected at least one key field, as [\"email\"]")
        }
        var seen = Set<String>()
        for (i, field) in config.fields.enumerated() where !seen.insert(field).inserted {
            throw SpecError(path: "fields[\(i)]", "duplicate field '\(field)'")
        }
        guard let keep = Keep(rawValue: config.keep) else {
            throw SpecError(path: "keep", "expected first or last, found '\(config.keep)'")
        }
        fields = config.fields
        self.keep = keep
    }

    /// A fresh state.
    public func makeState() -> DedupeState {
        DedupeState(keyFields: fields.count)
    }

    /// With `first`, the batch's rows whose key is new, in input order; with `last`, nothing
    /// yet (the rows are held). A dedupe refuses no rows.
    public func consume(_ batch: RecordBatch, into state: inout DedupeState) throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult(batch: .empty) }
        let before = state.keys.count
        let keys = state.keys.assign(fields.map { batch.column(named: $0) }, count: batch.count)
        switch keep {
        case .first:
            // Keys are numbered densely in first-seen order, so a row brings a new key exactly
            // when its number is the next one not yet handed out.
            var next = Int32(truncatingIfNeeded: before)
            var rows: [Int] = []
            for (row, key) in keys.enumerated() where key == next {
                rows.append(row)
                next += 1
            }
            return BatchResult(batch: batch.selecting(rows))
        case .last:
            state.hold(batch, keys: keys)
            return BatchResult(batch: .empty)
        }
    }

    /// With `last`, one row per key (see the type's documentation); with `first`, nothing.
    public func finish(_ state: DedupeState) throws -> RecordBatch {
        guard keep == .last, state.keys.count > 0 else { return .empty }
        return state.survivors()
    }

    /// The key table, plus with `last` the held rows.
    public func estimatedBytes(of state: DedupeState) -> Int {
        state.estimatedBytes
    }

    /// Every field passes through unchanged.
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
    }

    /// What follows needs, plus the key fields.
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { output.adding(fields) }
}

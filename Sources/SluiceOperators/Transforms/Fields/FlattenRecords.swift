import SluiceCore

/// Turns nested objects into dotted keys:
/// `{"separator": ".", "depth": 2, "arrays": "keep"}` makes `{"a": {"b": 1}}` into `{"a.b": 1}`.
///
/// - `depth` is how many object levels open (default: all); deeper objects stay as values.
/// - `arrays`: `keep` leaves arrays as they are; `join` makes each array one string, its
///   elements joined by `joinWith` (default `,`); `explode` makes one record per element,
///   each keeping the source record's position (see ``FlattenRules/exploded(_:)``: several
///   arrays in one record are zipped, and all-empty arrays give one record with null).
/// - The keys of a nested field replace it at its place, in first-seen order across the
///   batch. A null value stays as one null field (`a: null`); an empty object stays (`a: {}`).
/// - Two values landing on one key in a record (a field already called `a.b` next to
///   `{"a": {"b": …}}`) send the record to the dead-letter queue with a reason naming the key.
public struct FlattenRecords: StatelessTransform {
    /// The spec's operation name.
    public static let operation = "flatten"
    /// The stage name recorded on rejections.
    public static let stage = "transform:flatten"

    /// What happens to arrays.
    public enum Arrays: String, Sendable, CaseIterable {
        case keep, join, explode
    }

    /// The `config` object of a flatten step.
    public struct Config: Decodable, Sendable, Equatable {
        /// Put between the parts of a key; `.` when left out.
        public var separator: String
        /// How many object levels to open; all when left out.
        public var depth: Int?
        /// `keep`, `join` or `explode`; `keep` when left out.
        public var arrays: String
        /// Put between joined array elements; `,` when left out.
        public var joinWith: String

        /// A config with these settings.
        public init(separator: String = ".", depth: Int? = nil, arrays: String = "keep", joinWith: String = ",") {
            self.separator = separator
            self.depth = depth
            self.arrays = arrays
            self.joinWith = joinWith
        }

        enum CodingKeys: String, CodingKey { case separator, depth, arrays, joinWith }

        /// Decodes a config; every setting is optional.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            separator = try c.decodeIfPresent(String.self, forKey: .separator) ?? "."
            depth = try c.decodeIfPresent(Int.self, forKey: .depth)
            arrays = try c.decodeIfPresent(String.self, forKey: .arrays) ?? "keep"
            joinWith = try c.decodeIfPresent(String.self, forKey: .joinWith) ?? ","
        }
    }

    let rules: FlattenRules

    /// Builds the step; throws ``SpecError`` at `separator`, `depth` or `arrays`.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        guard !config.separator.isEmpty else { throw SpecError(path: "separator", "the separator must not be empty") }
        if let depth = config.depth, depth < 1 {
            throw SpecError(path: "depth", "expected a depth of at least 1, found \(depth)")
        }
        guard let arrays = Arrays(rawValue: config.arrays) else {
            throw SpecError(
                path: "arrays", "expected one of \(Arrays.allCases.map(\.rawValue).joined(separator: ", ")), found '\(config.arrays)'")
        }
        rules = FlattenRules(separator: config.separator, depth: config.depth ?? Int.max, arrays: arrays, joinWith: config.joinWith)
    }

    /// The batch with nested fields flattened; records with clashing keys are rejected.
    public func process(_ batch: RecordBatch) throws -> BatchResult {
        let expanded = batch.columns.indices.filter { rules.expands(batch.columns[$0]) }
        guard !expanded.isEmpty else { return BatchResult(batch: batch) }
        var rows: [(input: Int, leaves: [FlattenLeaf])] = []
        rows.reserveCapacity(batch.count)
        for row in 0..<batch.count {
            var leaves: [FlattenLeaf] = []
            for (group, field) in expanded.enumerated() {
                let column = batch.columns[field]
                switch column.presence(at: row) {
                case .absent: continue
                case .null: leaves.append(FlattenLeaf(key: batch.fields[field], value: .null, levels: 0, group: group))
                case .present:
                    rules.leaves(of: column.value(at: row), key: batch.fields[field], levels: rules.depth, group: group, into: &leaves)
                }
            }
            if rules.arrays == .explode {
                for record in rules.exploded(leaves) { rows.append((row, record)) }
            } else {
                rows.append((row, leaves))
            }
        }
        return FlattenAssembly(batch: batch, expanded: expanded, rows: rows).result()
    }

    /// Every input field feeds the output field of the same name or, when it is nested, the
    /// fields named after it with the separator (which only the data can list).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "flatten") }
    }
}

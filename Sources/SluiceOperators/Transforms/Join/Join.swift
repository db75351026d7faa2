import SluiceCore

/// Adds fields from a lookup data set to each record by key, as a SQL hash join does:
/// `{"with": {"type": "file", "config": {"path": "customers.csv"}}, "on": "customer_id",
/// "type": "left", "fields": ["segment", "country"]}`.
///
/// Semantics follow SQL (and DuckDB):
/// - Keys match by ``Value`` equality, strictly: `1` matches `1.0`, but the text `"1"` does
///   not match the number `1` (no coercion; declare a schema on one side if the types differ).
///   Text compares by its UTF-8 bytes. A null or missing key never matches, not even another
///   null. Integers above 2^53 compare exactly with doubles (rather than after rounding).
/// - A left record whose key matches `k` lookup records yields `k` output records, in lookup
///   order. `inner` drops records without a match; `left` (the default) keeps them with the
///   added fields null.
/// - Output fields are the record's own fields, then the added ones; an added field whose
///   name the record already has is called `<name>_right` (again suffixed while taken).
///   Added fields are present on every output record: null where the lookup record lacks them.
/// - Output records keep the input order and the input records' positions.
///
/// The engine reads ``lookupSource`` completely and calls ``prepared(with:)`` once; the
/// ``PreparedJoin`` it returns holds the hash table and joins batches in parallel.
public struct Join: LookupTransform {
    /// The spec's operation name.
    public static let operation = "join"

    /// The `config` object of a join step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The lookup (right) data set, built like a job's source.
        public var with: SourceSpec
        /// The key fields.
        public var on: JoinKeys
        /// `inner` or `left`; `left` when absent.
        public var type: String?
        /// The lookup fields to add; all of them except the key when absent.
        public var fields: [String]?

        /// A config joining with `with` on `on`.
        public init(with: SourceSpec, on: JoinKeys, type: String? = nil, fields: [String]? = nil) {
            self.with = with
            self.on = on
            self.type = type
            self.fields = fields
        }
    }

    /// Which left records survive a join.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Only records with at least one match.
        case inner
        /// Every record; unmatched ones get null added fields.
        case left
    }

    /// The data set to read before the first batch.
    public let lookupSource: SourceSpec
    /// The key fields.
    public let keys: JoinKeys
    /// Inner or left.
    public let kind: Kind
    /// The lookup fields to add; `nil` for all but the key.
    public let fields: [String]?

    /// Builds the join; throws ``SpecError`` at `type` or `fields` (relative to `config`).
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        let typeName = config.type ?? Kind.left.rawValue
        guard let kind = Kind(rawValue: typeName) else {
            throw SpecError(path: "type", "unknown join type '\(typeName)'; expected inner or left")
        }
        if let fields = config.fields {
            guard !fields.isEmpty else { throw SpecError(path: "fields", "must not be empty when given") }
            var seen = Set<String>()
            for (i, name) in fields.enumerated() {
                guard !name.isEmpty else { throw SpecError(path: "fields[\(i)]", "must name a field") }
                guard seen.insert(name).inserted else { throw SpecError(path: "fields[\(i)]", "duplicate field '\(name)'") }
            }
        }
        lookupSource = config.with
        keys = config.on
        self.kind = kind
        fields = config.fields
    }

    /// Builds the hash table over `lookup` (the whole right side) once; the result joins batches.
    /// Throws ``SpecError`` (relative to `config`) when `lookup` has records but lacks the key
    /// or a requested field.
    public func prepared(with lookup: RecordBatch) throws -> any StatelessTransform {
        try PreparedJoin(join: self, lookup: lookup)
    }

    /// The record's fields are copied; each requested lookup field is added (`how: "join"`).
    /// With `fields` absent the lookup fields are unknown until the data is read, so only the
    /// record's own fields are listed (``PreparedJoin/lineage(inputFields:)`` lists them all).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        Join.lineage(inputFields: inputFields, added: fields ?? [])
    }

    /// What follows needs, plus the left key. A needed name ending in `_right` may be an
    /// added field renamed because the record has a field of the same name, so that field is
    /// needed too (without it the added field would keep its own name).
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        guard let needed = output.fields else { return .all }
        var demand = needed
        demand.insert(keys.left)
        for var name in needed {
            while name.hasSuffix("_right") {
                name.removeLast("_right".count)
                demand.insert(name)
            }
        }
        return .only(demand)
    }

    /// Lineage of a join that adds the lookup fields `added` to records with `inputFields`.
    static func lineage(inputFields: [String], added: [String]) -> [FieldDerivation] {
        inputFields.map { FieldDerivation(output: $0, inputs: [$0], how: "copy") }
            + zip(outputNames(leftFields: inputFields, added: added), added).map { output, right in
                FieldDerivation(output: output, inputs: [right], how: "join")
            }
    }

    /// The names the `added` lookup fields get next to `leftFields`: their own, or suffixed
    /// with `_right` until unused.
    static func outputNames(leftFields: [String], added: [String]) -> [String] {
        guard !added.isEmpty else { return [] }
        var taken = Set(leftFields)
        return added.map { name in
            var output = name
            while taken.contains(output) { output += "_right" }
            taken.insert(output)
            return output
        }
    }
}

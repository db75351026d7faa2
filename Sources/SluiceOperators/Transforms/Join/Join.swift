import SluiceCore

/// Adds fields from a lookup data set to each record by key, as a SQL hash join does:
/// `{"with": {"type": "file", "config": {"path": "customers.csv"}}, "on": "customer_id",
/// "type": "left", "fields": ["segment", "country"]}`.
///
/// Semantics follow SQL (and DuckDB):
/// - `on` is one field name on both sides, a `{"left", "right"}` pair, or an array of
///   either for a key of several fields (`["customer_id", "region"]`); records match when
///   every key field matches.
/// - Keys match by ``Value`` equality, strictly: `1` matches `1.0`, but the text `"1"` does
///   not match the number `1` (no coercion; declare a schema on one side if the types differ).
///   Text compares by its UTF-8 bytes. A null or missing key (any field of it) never
///   matches, not even another null. Integers above 2^53 compare exactly with doubles.
/// - A left record whose key matches `k` lookup records yields `k` output records, in lookup
///   order. `inner` drops records without a match; `left` (the default) keeps them with the
///   added fields null. `right` drops them too and `full` keeps them; both then emit, once
///   the input has ended, every lookup record that matched no record: its added fields, the
///   left key fields holding its key values (as SQL's `USING` does) and every other field
///   of the records null, at the lookup record's position in the lookup data.
/// - Output fields are the record's own fields, then the added ones; an added field whose
///   name the record already has is called `<name>_right` (again suffixed while taken), or
///   with `"prefix": "c_"`, `c_<name>` (again prefixed while taken). Added fields are present
///   on every output record: null where the lookup record lacks them.
/// - Output records keep the input order and the input records' positions.
///
/// The engine reads ``lookupSource`` completely and calls ``preparedTransform(with:)`` once:
/// for inner and left joins it gives a ``PreparedJoin``, which holds the hash table and joins
/// batches in parallel; for right and full joins a ``PreparedOuterJoin``, a stateful transform
/// that also remembers which lookup records matched.
public struct Join: StatefulLookupTransform {
    /// The spec's operation name.
    public static let operation = "join"

    /// The `config` object of a join step.
    public struct Config: Decodable, Sendable, Equatable {
        /// The lookup (right) data set, built like a job's source.
        public var with: SourceSpec
        /// The key fields.
        public var on: JoinKeys
        /// `inner`, `left`, `right` or `full`; `left` when absent.
        public var type: String?
        /// The lookup fields to add; all of them except the right key fields when absent.
        public var fields: [String]?
        /// What an added field whose name is taken gets in front; the `_right` suffix when absent.
        public var prefix: String?

        /// A config joining with `with` on `on`.
        public init(with: SourceSpec, on: JoinKeys, type: String? = nil, fields: [String]? = nil, prefix: String? = nil) {
            self.with = with
            self.on = on
            self.type = type
            self.fields = fields
            self.prefix = prefix
        }
    }

    /// Which left records survive a join.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Only records with at least one match.
        case inner
        /// Every record; unmatched ones get null added fields.
        case left
        /// Records with a match, then every lookup record that matched none.
        case right
        /// Every record, then every lookup record that matched none.
        case full

        /// Whether records without a match are kept (with null added fields).
        var keepsUnmatchedRecords: Bool { self == .left || self == .full }
        /// Whether lookup records without a match are emitted at the end.
        var emitsUnmatchedLookups: Bool { self == .right || self == .full }
    }

    /// The data set to read before the first batch.
    public let lookupSource: SourceSpec
    /// The key fields.
    public let keys: JoinKeys
    /// Inner, left, right or full.
    public let kind: Kind
    /// The lookup fields to add; `nil` for all but the key.
    public let fields: [String]?
    /// The prefix of renamed added fields; `nil` for the `_right` suffix.
    public let prefix: String?

    /// Builds the join; throws ``SpecError`` at `type`, `on`, `fields` or `prefix` (relative to `config`).
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        let typeName = config.type ?? Kind.left.rawValue
        guard let kind = Kind(rawValue: typeName) else {
            throw SpecError(path: "type", "unknown join type '\(typeName)'; expected inner, left, right or full")
        }
        if config.on.pairs.count > 1 {
            var lefts = Set<String>()
            var rights = Set<String>()
            for (i, pair) in config.on.pairs.enumerated() {
                guard lefts.insert(pair.left).inserted else { throw SpecError(path: "on[\(i)]", "duplicate left key field '\(pair.left)'") }
                guard rights.insert(pair.right).inserted else { throw SpecError(path: "on[\(i)]", "duplicate right key field '\(pair.right)'") }
            }
        }
        if let prefix = config.prefix, prefix.isEmpty {
            throw SpecError(path: "prefix", "must not be empty when given (leave it out for the _right suffix)")
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
        prefix = config.prefix
    }

    /// Builds the hash table over `lookup` (the whole right side) once; the result joins
    /// batches. Only for inner and left joins: right and full joins emit the unmatched lookup
    /// records at the end, which needs ``preparedTransform(with:)``. Throws ``SpecError``
    /// (relative to `config`) when `lookup` has records but lacks a key or a requested field.
    public func prepared(with lookup: RecordBatch) throws -> any StatelessTransform {
        guard !kind.emitsUnmatchedLookups else {
            throw SpecError(path: "type", "a \(kind.rawValue) join keeps state across batches; the engine must prepare it with preparedTransform(with:)")
        }
        return try PreparedJoin(join: self, lookup: lookup)
    }

    /// Builds the hash table over `lookup` once: a ``PreparedJoin`` (stateless, parallel) for
    /// inner and left joins, a ``PreparedOuterJoin`` (stateful) for right and full joins.
    public func preparedTransform(with lookup: RecordBatch) throws -> PreparedLookup {
        let prepared = try PreparedJoin(join: self, lookup: lookup)
        return kind.emitsUnmatchedLookups ? .stateful(PreparedOuterJoin(prepared)) : .stateless(prepared)
    }

    /// The record's fields are copied; each requested lookup field is added (`how: "join"`).
    /// With `fields` absent the lookup fields are unknown until the data is read, so only the
    /// record's own fields are listed (``PreparedJoin/lineage(inputFields:)`` lists them all).
    public func lineage(inputFields: [String]) -> [FieldDerivation] {
        lineage(inputFields: inputFields, added: fields ?? [])
    }

    /// What follows needs, plus the left key fields. A needed name ending in `_right` (or,
    /// with a `prefix`, starting with it) may be an added field renamed because the record
    /// has a field of the same name, so that field is needed too (without it the added field
    /// would keep its own name).
    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand {
        guard let needed = output.fields else { return .all }
        var demand = needed
        demand.formUnion(keys.leftFields)
        for var name in needed {
            if let prefix {
                while name.hasPrefix(prefix) {
                    name.removeFirst(prefix.count)
                    demand.insert(name)
                }
            } else {
                while name.hasSuffix("_right") {
                    name.removeLast("_right".count)
                    demand.insert(name)
                }
            }
        }
        return .only(demand)
    }

    /// Lineage of this join adding the lookup fields `added` to records with `inputFields`.
    /// In right and full joins the left key fields also take the unmatched lookup records' keys.
    func lineage(inputFields: [String], added: [String]) -> [FieldDerivation] {
        let rightKey = Dictionary(keys.pairs.map { ($0.left, $0.right) }, uniquingKeysWith: { first, _ in first })
        return inputFields.map { field in
            if kind.emitsUnmatchedLookups, let right = rightKey[field] {
                return FieldDerivation(output: field, inputs: field == right ? [field] : [field, right], how: "join key")
            }
            return FieldDerivation(output: field, inputs: [field], how: "copy")
        }
            + zip(outputNames(leftFields: inputFields, added: added), added).map { output, right in
                FieldDerivation(output: output, inputs: [right], how: "join")
            }
    }

    /// The names the `added` lookup fields get next to `leftFields`: their own, or renamed
    /// (the `_right` suffix, or the prefix) until unused.
    func outputNames(leftFields: [String], added: [String]) -> [String] {
        guard !added.isEmpty else { return [] }
        var taken = Set(leftFields)
        return added.map { name in
            var output = name
            while taken.contains(output) { output = prefix.map { $0 + output } ?? output + "_right" }
            taken.insert(output)
            return output
        }
    }
}

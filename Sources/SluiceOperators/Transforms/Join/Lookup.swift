import SluiceCore

/// Enrichment from a small table, cached for the run: a left join that adds `fields` of the
/// lookup data set to each record by key and never drops or repeats a record's fields.
/// `{"with": {"type": "file", "config": {"path": "countries.csv"}}, "on": "country_code",
/// "fields": ["country_name"]}`. The table is read once before the first batch and held in
/// memory (counted against `MAX_MEMORY_MB`); a record whose key is missing from it gets null
/// fields. When several lookup records share a key the record is repeated once per match,
/// as with `join`.
public struct Lookup: LookupTransform {
    /// The spec's operation name.
    public static let operation = "lookup"

    /// The `config` object of a lookup step: `join`'s without `type`.
    public struct Config: Decodable, Sendable, Equatable {
        /// The lookup data set, built like a job's source.
        public var with: SourceSpec
        /// The key fields.
        public var on: JoinKeys
        /// The lookup fields to add; all of them except the key fields when absent.
        public var fields: [String]?
        /// What an added field whose name is taken gets in front; the `_right` suffix when absent.
        public var prefix: String?
    }

    let join: Join

    /// Builds the lookup; throws ``SpecError`` as `join` does.
    public init(config: Config, context: ComponentContext) throws(SpecError) {
        join = try Join(
            config: Join.Config(with: config.with, on: config.on, type: Join.Kind.left.rawValue, fields: config.fields, prefix: config.prefix),
            context: context)
    }

    public var lookupSource: SourceSpec { join.lookupSource }

    public func prepared(with lookup: RecordBatch) throws -> any StatelessTransform { try join.prepared(with: lookup) }

    public func lineage(inputFields: [String]) -> [FieldDerivation] { join.lineage(inputFields: inputFields) }

    public func inputDemand(forOutput output: FieldDemand) -> FieldDemand { join.inputDemand(forOutput: output) }
}

extension Lookup {
    public static let declaration = ComponentDeclaration(
        summary: """
            Enriches records from a small table read once and cached for the run: a left join \
            on `on` that adds `fields` (all but the key when absent). Records without a match \
            get null fields; nothing is dropped, and a record matching several lookup records \
            is repeated once per match, as with `join`.
            """,
        config: ObjectShape([Join.withKey, Join.onKey, Join.fieldsKey, Join.prefixKey]),
        examples: [
            ComponentExample(
                "country names by code",
                config: #"{"with": {"type": "file", "config": {"path": "{dir}/countries.csv"}}, "on": {"left": "country", "right": "code"}, "fields": ["name"]}"#,
                input: #"[{"id": 1, "country": "PE"}, {"id": 2, "country": "XX"}]"#,
                output: #"[{"id": 1, "country": "PE", "name": "Peru"}, {"id": 2, "country": "XX", "name": null}]"#,
                files: ["countries.csv": "code,name\nPE,Peru\nCL,Chile\n"])
        ])
}

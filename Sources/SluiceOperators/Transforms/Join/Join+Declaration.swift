import SluiceCore

extension Join {
    /// The shape of `on`: a field name on both sides, a `{"left", "right"}` pair, or a
    /// non-empty array of either for a key of several fields.
    static let keysShape: Shape = {
        let pair = Shape.object([
            .required("left", .fieldName, "The key field of the records."),
            .required("right", .fieldName, "The key field of the lookup data set."),
        ])
        return .anyOf([.fieldName, pair, .array(.anyOf([.fieldName, pair]), minItems: 1)])
    }()

    /// The keys `join` and `lookup` share.
    static let withKey = FieldShape.required("with", .reference("source"), "The lookup data set: any source spec (`{\"type\": \"file\", \"config\": {…}}`), read whole before the first record.")
    static let onKey = FieldShape.required(
        "on", keysShape, "The key: a field name on both sides, `{\"left\", \"right\"}`, or an array of them for several fields (each left and each right field once).")
    static let fieldsKey = FieldShape.optional("fields", .someFieldNames, "The lookup fields to add, without repeats; every field but the right key fields when absent.")
    static let prefixKey = FieldShape.optional(
        "prefix", .nonEmptyText, "Put in front of an added field whose name the record already has; the suffix `_right` is added when absent.")

    public static let declaration = ComponentDeclaration(
        summary: """
            Adds fields from a lookup data set (`with`, any source spec) to each record by key \
            (`on`: a field name, `{"left", "right"}`, or an array of them for several keys), as a \
            SQL hash join: the lookup side is held in memory and the records stream. `type` is \
            `inner`, `left` (default), `right` or `full`; lookup records that matched nothing are \
            emitted once at the end (right and full). Keys match by value; a null key never \
            matches. `fields` limits the added fields; an added field whose name the record \
            already has gets the `prefix` given, or the suffix `_right` by default.
            """,
        config: ObjectShape([
            withKey,
            onKey,
            .optional("type", .choice(Join.Kind.self), default: .string("left"),
                      "`inner` keeps matched records, `left` every record, `right` matched records and then unmatched lookup records, `full` both."),
            fieldsKey,
            prefixKey,
        ]),
        examples: [
            ComponentExample(
                "enrich orders with the customer's segment",
                config: #"{"with": {"type": "file", "config": {"path": "{dir}/customers.csv"}}, "on": "customer_id", "type": "left"}"#,
                input: #"[{"id": 1, "customer_id": 10}, {"id": 2, "customer_id": 99}]"#,
                output: #"[{"id": 1, "customer_id": 10, "segment": "retail"}, {"id": 2, "customer_id": 99, "segment": null}]"#,
                files: ["customers.csv": "customer_id,segment\n10,retail\n11,wholesale\n"]),
            ComponentExample(
                "right join: unmatched customers at the end",
                config: #"{"with": {"type": "file", "config": {"path": "{dir}/customers.csv"}}, "on": "customer_id", "type": "right"}"#,
                input: #"[{"id": 1, "customer_id": 10}, {"id": 2, "customer_id": 99}]"#,
                output: #"[{"id": 1, "customer_id": 10, "segment": "retail"}, {"id": null, "customer_id": 11, "segment": "wholesale"}]"#,
                files: ["customers.csv": "customer_id,segment\n10,retail\n11,wholesale\n"]),
        ])
}

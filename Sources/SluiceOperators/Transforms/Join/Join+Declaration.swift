import SluiceCore

extension Join {
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
        config: .undeclared,
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

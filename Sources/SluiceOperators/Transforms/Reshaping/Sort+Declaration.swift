import SluiceCore

extension Sort {
    public static let declaration = ComponentDeclaration(
        summary: "Sorts all records by `by` keys (a field name, or `{\"field\", \"direction\": \"asc\"|\"desc\", \"nulls\": \"last\"|\"first\"}`); stable; nulls last by default as in DuckDB. The step holds every record until the input ends.",
        config: ObjectShape([
            .required("by", .array(Window.orderKeyShape, minItems: 1),
                      "The sort keys, most significant first, each field once: a field name (ascending, nulls last), or `{\"field\", \"direction\": \"asc\" or \"desc\", \"nulls\": \"last\" or \"first\"}`."),
        ]),
        examples: [
            ComponentExample(
                "by amount, highest first",
                config: #"{"by": [{"field": "amount", "direction": "desc"}, "id"]}"#,
                input: #"[{"id": 1, "amount": 5}, {"id": 2, "amount": null}, {"id": 3, "amount": 9}, {"id": 4, "amount": 5}]"#,
                output: #"[{"id": 3, "amount": 9}, {"id": 1, "amount": 5}, {"id": 4, "amount": 5}, {"id": 2, "amount": null}]"#),
        ])
}

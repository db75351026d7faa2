import SluiceCore

extension Unpivot {
    public static let declaration = ComponentDeclaration(
        summary: "Turns `fields` into records: one per listed field with its name in `name` and its value in `value`; other fields are copied; null values are dropped unless `includeNulls` is true (DuckDB's default).",
        config: ObjectShape([
            .required("fields", .someFieldNames, "The fields that become records, in order, without repeats."),
            .required("name", .fieldName, "The output field holding each listed field's name."),
            .required("value", .fieldName, "The output field holding each listed field's value; not the same as `name`."),
            .optional("includeNulls", .boolean, default: .bool(false), "Whether a null or absent value still gives a record (DuckDB's INCLUDE NULLS)."),
        ]),
        examples: [
            ComponentExample(
                "quarters as rows",
                config: #"{"fields": ["q1", "q2"], "name": "quarter", "value": "sales"}"#,
                input: #"[{"region": "eu", "q1": 5, "q2": null}, {"region": "us", "q1": 4, "q2": 7}]"#,
                output: #"[{"region": "eu", "quarter": "q1", "sales": 5}, {"region": "us", "quarter": "q1", "sales": 4}, {"region": "us", "quarter": "q2", "sales": 7}]"#),
        ])
}

import SluiceCore

extension Unpivot {
    public static let declaration = ComponentDeclaration(
        summary: "Turns `fields` into records: one per listed field with its name in `name` and its value in `value`; other fields are copied; null values are dropped unless `includeNulls` is true (DuckDB's default).",
        config: .undeclared,
        examples: [
            ComponentExample(
                "quarters as rows",
                config: #"{"fields": ["q1", "q2"], "name": "quarter", "value": "sales"}"#,
                input: #"[{"region": "eu", "q1": 5, "q2": null}, {"region": "us", "q1": 4, "q2": 7}]"#,
                output: #"[{"region": "eu", "quarter": "q1", "sales": 5}, {"region": "us", "quarter": "q1", "sales": 4}, {"region": "us", "quarter": "q2", "sales": 7}]"#),
        ])
}

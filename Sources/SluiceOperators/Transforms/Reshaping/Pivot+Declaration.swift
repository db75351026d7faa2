import SluiceCore

extension Pivot {
    public static let declaration = ComponentDeclaration(
        summary: "Turns the values of `column` into fields: one record per `index` combination (first-seen order), one field per distinct value (sorted by byte order, as DuckDB does) holding the `aggregate` (`sum`, `avg`, `min`, `max`, `count`, `first`) of `value`.",
        config: .undeclared,
        examples: [
            ComponentExample(
                "quarters as columns",
                config: #"{"index": ["region"], "column": "quarter", "value": "sales", "aggregate": "sum"}"#,
                input: #"[{"region": "eu", "quarter": "q2", "sales": 5}, {"region": "eu", "quarter": "q1", "sales": 3}, {"region": "us", "quarter": "q1", "sales": 4}, {"region": "eu", "quarter": "q1", "sales": 2}]"#,
                output: #"[{"region": "eu", "q1": 5, "q2": 5}, {"region": "us", "q1": 4, "q2": null}]"#),
        ])
}

import SluiceCore

extension Pivot {
    public static let declaration = ComponentDeclaration(
        summary: "Turns the values of `column` into fields, as SQL's PIVOT: one record per `index` combination (first-seen order), one field per distinct value (named by its text, sorted by byte order, as DuckDB does) holding the `aggregate` of `value` over the matching records, or null when there are none. `count` and `countNonNull` count as the aggregate's functions of those names do (records, and non-null values), and give 0 for no records. A created field named like an index field gets the function's name as a suffix (`region_sum`).",
        config: ObjectShape([
            .optional("index", .fieldNames, default: .array([]), "The fields identifying an output record, without repeats; none gives one record."),
            .required("column", .fieldName, "The field whose values become output fields (a null or missing value gives none); not an index field."),
            .optional("value", .fieldName, "The field aggregated into each cell; required by every function but `count`, which takes none."),
            .optional("aggregate", .choice(PivotFunction.self), default: .string("sum"),
                      "`sum`, `avg`, `min`, `max` (of numbers), `count` (records, SQL `count(*)`), `countNonNull` (non-null values, SQL `count(value)`) or `first`."),
        ]),
        examples: [
            ComponentExample(
                "quarters as columns",
                config: #"{"index": ["region"], "column": "quarter", "value": "sales", "aggregate": "sum"}"#,
                input: #"[{"region": "eu", "quarter": "q2", "sales": 5}, {"region": "eu", "quarter": "q1", "sales": 3}, {"region": "us", "quarter": "q1", "sales": 4}, {"region": "eu", "quarter": "q1", "sales": 2}]"#,
                output: #"[{"region": "eu", "q1": 5, "q2": 5}, {"region": "us", "q1": 4, "q2": null}]"#),
        ])
}

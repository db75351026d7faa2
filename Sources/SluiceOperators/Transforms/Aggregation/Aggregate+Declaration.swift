import SluiceCore

extension Aggregate {
    /// The shapes of one `aggregations` entry: a function name, a list of names and
    /// `{"function", "as", "p"}` objects, or one object (`{"function", "as", "p"}` of the
    /// key's field, or `{"field", "function", "p"}` named by the key).
    static let aggregationEntry: Shape = {
        let function = Shape.choice(AggregationFunction.self, noun: "aggregation")
        let functionKey = FieldShape.required("function", function, "The aggregation.")
        let p = FieldShape.optional("p", .number(0, 1), "For `percentile`, and only there: the fraction (0.9 for the 90th percentile).")
        let listed = Shape.object([
            functionKey,
            .optional("as", .fieldName, "The output field; `<field>_<function>` (`amount_p90` for a percentile) when absent."),
            p,
        ])
        let single = Shape.object(
            [
                .optional("field", .fieldName, "The input field; the key then names the output."),
                functionKey,
                .optional("as", .fieldName, "The output field (without `field`); the key's name when absent."),
                p,
            ],
            rules: [.atMostOne(["field", "as"])])
        return .anyOf([function, .array(.anyOf([function, listed]), minItems: 1), single])
    }()

    public static let declaration = ComponentDeclaration(
        summary: """
            Groups records by `groupBy` and computes `aggregations` per group: one output record \
            per group, in first-seen order, with the group fields and then each aggregation. \
            `{"amount": "sum"}` names the output after the field, and so does \
            `{"amount": {"function": "sum"}}` unless `"as"` names it; `{"amount": ["sum", "avg"]}` \
            gives `amount_sum`, `amount_avg`, and a list entry may also be `{"function", "as", "p"}`; \
            `{"total": {"field": "amount", "function": "sum"}}` names the output by the key. \
            Functions: `sum`, `avg`, `min`, `max`, `count` (the group's rows, SQL `count(*)`), \
            `countNonNull` (the field's non-null values, SQL `count(x)`), `countDistinct` (its \
            distinct non-null values), `median`, `percentile` (`p` from 0 to 1, as DuckDB's \
            quantile_cont), `stddev` and `variance` (sample), `stddev_pop` and `variance_pop`, \
            `first`, `last` and `collect` (input order, nulls kept). Numeric functions read ints, \
            doubles and numeric strings and ignore nulls. `having` is a filter condition on the \
            output fields. Without `groupBy` there is one output record, even for no input.
            """,
        config: ObjectShape(
            [
                .optional("groupBy", .fieldNames, default: .array([]), "The fields whose values form the group key, without repeats; none makes one group of everything."),
                .optional("aggregations", .map("input field", aggregationEntry), default: .object(ValueObject()),
                          "Field → its aggregation: a function name, a list of names and `{\"function\", \"as\", \"p\"}` objects, or one such object; or output name → `{\"field\", \"function\", \"p\"}`. Output names must be unique and differ from the group fields."),
                .optional("having", .reference("condition"), "A filter condition on the output records, by output field names; every record when absent."),
            ],
            rules: [.atLeastOne(["groupBy", "aggregations"])]),
        examples: [
            ComponentExample(
                "sum and count per region",
                config: #"{"groupBy": ["region"], "aggregations": {"amount": ["sum", "count"]}}"#,
                input: #"[{"region": "EU", "amount": 10}, {"region": "US", "amount": 5}, {"region": "EU", "amount": 2.5}]"#,
                output: #"[{"region": "EU", "amount_sum": 12.5, "amount_count": 2}, {"region": "US", "amount_sum": 5, "amount_count": 1}]"#),
            ComponentExample(
                "named outputs, percentile, collect and having",
                config: #"""
                    {"groupBy": ["region"],
                     "aggregations": {"amount": [{"function": "sum", "as": "total"}, "countDistinct",
                                                 {"function": "percentile", "p": 0.9}, "first", "collect"]},
                     "having": {"field": "total", "operator": "gt", "value": 100}}
                    """#,
                input: #"""
                    [{"region": "EU", "amount": 120}, {"region": "US", "amount": 80}, {"region": "EU", "amount": 30},
                     {"region": "EU", "amount": null}, {"region": "US", "amount": 10}]
                    """#,
                output: #"""
                    [{"region": "EU", "total": 150, "amount_countDistinct": 2, "amount_p90": 111.0,
                      "amount_first": 120, "amount_collect": [120, 30, null]}]
                    """#),
            ComponentExample(
                "count(x) beside count(*)",
                config: #"{"groupBy": ["region"], "aggregations": {"email": ["count", "countNonNull"]}}"#,
                input: #"[{"region": "EU", "email": "a@x"}, {"region": "EU", "email": null}, {"region": "US"}, {"region": "EU", "email": "b@x"}]"#,
                output: #"[{"region": "EU", "email_count": 3, "email_countNonNull": 2}, {"region": "US", "email_count": 1, "email_countNonNull": 0}]"#),
        ],
        definitions: Filter.conditionDefinitions)
}

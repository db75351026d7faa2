import SluiceCore

extension Aggregate {
    public static let declaration = ComponentDeclaration(
        summary: """
            Groups records by `groupBy` and computes `aggregations` per group: one output record \
            per group, in first-seen order, with the group fields and then each aggregation. \
            `{"amount": "sum"}` names the output after the field; `{"amount": ["sum", "avg"]}` \
            gives `amount_sum`, `amount_avg`; an entry may also be `{"function", "as", "p"}`. \
            Functions: `sum`, `avg`, `min`, `max`, `count` (the group's rows), `countDistinct`, \
            `median`, `percentile` (`p` from 0 to 1, as DuckDB's quantile_cont), `stddev` and \
            `variance` (sample), `stddev_pop` and `variance_pop`, `first`, `last` and `collect` \
            (input order, nulls kept). Numeric functions read ints, doubles and numeric strings \
            and ignore nulls. `having` is a filter condition on the output fields. Without \
            `groupBy` there is one output record.
            """,
        config: .undeclared,
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
        ])
}

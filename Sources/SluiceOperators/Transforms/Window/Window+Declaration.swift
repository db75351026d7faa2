import SluiceCore

extension Window {
    public static let declaration = ComponentDeclaration(
        summary: """
            Adds window functions over ordered partitions and keeps every record. `partitionBy` \
            lists key fields; `orderBy` lists `{"field", "direction": "asc"|"desc", "nulls": \
            "first"|"last"}` (nulls last by default, as in DuckDB). Functions: `row_number`, \
            `rank`, `dense_rank`, `lag`/`lead` (`field`, `offset`, `default`), and running \
            `sum`, `avg`, `count`, `min`, `max` of `field` (a ROWS frame from the partition \
            start, or the last `frame` rows). Output is grouped by partition in first-seen \
            order and sorted within each; ties keep input order.
            """,
        config: .undeclared,
        examples: [
            ComponentExample(
                "row number, previous amount and running total per customer",
                config: #"""
                    {"partitionBy": ["customer"], "orderBy": [{"field": "day"}],
                     "functions": [{"function": "row_number", "as": "rn"},
                                   {"function": "lag", "field": "amount", "as": "prev"},
                                   {"function": "sum", "field": "amount", "as": "running"}]}
                    """#,
                input: #"""
                    [{"customer": "a", "day": 2, "amount": 5}, {"customer": "b", "day": 1, "amount": 7},
                     {"customer": "a", "day": 1, "amount": 10}]
                    """#,
                output: #"""
                    [{"customer": "a", "day": 1, "amount": 10, "rn": 1, "prev": null, "running": 10},
                     {"customer": "a", "day": 2, "amount": 5, "rn": 2, "prev": 10, "running": 15},
                     {"customer": "b", "day": 1, "amount": 7, "rn": 1, "prev": null, "running": 7}]
                    """#)
        ])
}

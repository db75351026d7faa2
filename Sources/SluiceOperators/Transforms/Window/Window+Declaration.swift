import SluiceCore

extension Window {
    /// One sort key of a window's `orderBy` (and a sort's `by`): a field name, ascending, or
    /// `{"field", "direction", "nulls"}`.
    static let orderKeyShape = Shape.anyOf([
        .fieldName,
        .object([
            .required("field", .fieldName, "The field to sort by."),
            .optional("direction", .choice(["asc", "desc"]), default: .string("asc"), "`asc` or `desc`."),
            .optional("nulls", .choice(["last", "first"]), default: .string("last"), "Where nulls go, in either direction (DuckDB's default is last)."),
        ]),
    ])

    /// One entry of a window's `functions`.
    static let functionShape = Shape.object([
        .required("function", .choice(WindowFunctionKind.self), "The window function."),
        .required("as", .fieldName, "The output field."),
        .optional("field", .fieldName,
                  "The input field: required by `lag`, `lead`, `sum`, `avg`, `min` and `max`; for `count`, counts its non-null values (SQL `count(x)`) instead of rows; not taken by the ranks."),
        .optional("offset", .integer(0, WindowFunctionSpec.maximumRows), default: .int(1), "For `lag` and `lead`: how many rows back or ahead."),
        .optional("default", .anyValue, "For `lag` and `lead`: the value past the partition's edge; null when absent."),
        .optional("frame", .integer(1, WindowFunctionSpec.maximumRows),
                  "For `sum`, `avg`, `count`, `min` and `max`: how many rows up to and including the current one are seen; every row from the partition start when absent."),
    ])

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
        config: ObjectShape([
            .optional("partitionBy", .fieldNames, default: .array([]), "The fields whose values form the partition key, without repeats; none makes one partition."),
            .optional("orderBy", .array(orderKeyShape), default: .array([]),
                      "The sort keys within a partition: a field name (ascending, nulls last), or `{\"field\", \"direction\": \"asc\" or \"desc\", \"nulls\": \"last\" or \"first\"}`; none keeps input order, every row a peer."),
            .required("functions", .array(functionShape, minItems: 1), "The functions, in output order; each output field once."),
        ]),
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

import SluiceCore

extension FillNulls {
    public static let declaration = ComponentDeclaration(
        summary: "Fills null or absent values of each field by a rule: a constant `value`, or a `strategy` of `mean`, `median` (of the field's numbers), `mode` (the most frequent value, ties to the first seen), all three computed over the whole input, so the step holds it until the end, or `forward` (the last non-null value before, streaming). A field a record lacks is added when there is a value to fill it with.",
        config: ObjectShape([
            .required("fields", .map("field", .object([
                .optional("value", .anyValue, "The constant that replaces null and absent values (not null itself); only with no strategy or `constant`."),
                .optional("strategy", .choice(FillRule.Strategy.self), default: .string("constant"),
                          "`constant` (the `value`), `mean`, `median`, `mode` or `forward`."),
            ], rules: [.atLeastOne(["value", "strategy"])])),
            "Field → how its nulls are filled, in the order written (at least one): `{\"value\": v}` fills in the constant v (not null); `{\"strategy\": s}` uses `mean`, `median`, `mode` or `forward` (or `constant`, with a `value`)."),
        ]),
        examples: [
            ComponentExample(
                "constant and mean",
                config: #"{"fields": {"region": {"value": "unknown"}, "age": {"strategy": "mean"}}}"#,
                input: #"[{"region": null, "age": 20}, {"region": "EU", "age": null}, {"region": "US", "age": 40}]"#,
                output: #"[{"region": "unknown", "age": 20}, {"region": "EU", "age": 30.0}, {"region": "US", "age": 40}]"#),
        ])
}

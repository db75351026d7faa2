import SluiceCore

extension FillNulls {
    public static let declaration = ComponentDeclaration(
        summary: "Fills null or absent values of each field by a rule: a constant `value`, or a `strategy` of `mean`, `median`, `mode` (computed over the whole input, so the step holds it until the end) or `forward` (the last non-null value before, streaming).",
        config: .undeclared,
        examples: [
            ComponentExample(
                "constant and mean",
                config: #"{"fields": {"region": {"value": "unknown"}, "age": {"strategy": "mean"}}}"#,
                input: #"[{"region": null, "age": 20}, {"region": "EU", "age": null}, {"region": "US", "age": 40}]"#,
                output: #"[{"region": "unknown", "age": 20}, {"region": "EU", "age": 30.0}, {"region": "US", "age": 40}]"#),
        ])
}

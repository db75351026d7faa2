import SluiceCore

extension CoerceFields: DocumentedTransform {
    public static let documentation = OperationDocumentation(
        summary: "Coerces `fields` to a schema type the way schema validation's strictMode does (`\"42\"` → 42, `\"TRUE\"` → true, 7 → `\"7\"`); values that cannot be coerced are left as they are.",
        examples: [
            OperationExample(
                "numbers from text",
                config: #"{"fields": {"age": "number"}}"#,
                input: #"[{"age": "42"}, {"age": "old"}]"#,
                output: #"[{"age": 42}, {"age": "old"}]"#),
        ])
}

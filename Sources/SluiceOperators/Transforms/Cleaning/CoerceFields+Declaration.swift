import SluiceCore

extension CoerceFields {
    public static let declaration = ComponentDeclaration(
        summary: "Coerces `fields` to a schema type the way schema validation's strictMode does (`\"42\"` → 42, `\"TRUE\"` → true, 7 → `\"7\"`); values that cannot be coerced are left as they are.",
        config: ObjectShape([
            .required("fields", .map("field", .choice(FieldType.self)), "Field → the schema type it is coerced to, in the order written; at least one."),
        ]),
        examples: [
            ComponentExample(
                "numbers from text",
                config: #"{"fields": {"age": "number"}}"#,
                input: #"[{"age": "42"}, {"age": "old"}]"#,
                output: #"[{"age": 42}, {"age": "old"}]"#),
        ])
}

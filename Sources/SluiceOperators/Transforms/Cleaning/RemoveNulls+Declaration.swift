import SluiceCore

extension RemoveNulls {
    public static let declaration = ComponentDeclaration(
        summary: "`\"mode\": \"rows\"` (default) drops records where any of `fields` (default: any field) is null or absent; `\"mode\": \"fields\"` removes null-valued fields from each record.",
        config: .undeclared,
        examples: [
            ComponentExample(
                "drop records without an email",
                config: #"{"fields": ["email"]}"#,
                input: #"[{"email": null}, {"email": "a@x"}, {"id": 3}]"#,
                output: #"[{"email": "a@x"}]"#),
            ComponentExample(
                "drop null fields",
                config: #"{"mode": "fields"}"#,
                input: #"[{"a": null, "b": 1}]"#,
                output: #"[{"b": 1}]"#),
        ])
}

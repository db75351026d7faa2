import SluiceCore

extension RemoveNulls {
    public static let declaration = ComponentDeclaration(
        summary: "`\"mode\": \"rows\"` (default) drops records where any of `fields` (default: any field) is null or absent; `\"mode\": \"fields\"` removes null-valued fields from each record.",
        config: ObjectShape([
            .optional("fields", .someFieldNames, "The fields checked, without repeats; every field when absent."),
            .optional("mode", .choice(RemoveNulls.Mode.self), default: .string("rows"),
                      "`rows` drops records where a checked field is null or absent; `fields` removes the null checked fields from each record."),
        ]),
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

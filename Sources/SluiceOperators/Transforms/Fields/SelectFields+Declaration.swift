import SluiceCore

extension SelectFields {
    public static let declaration = ComponentDeclaration(
        summary: "Keeps only `fields`, in that order; a field a record lacks stays absent.",
        config: ObjectShape([
            .required("fields", .someFieldNames, "The fields to keep, in output order, without repeats."),
        ]),
        examples: [
            ComponentExample(
                "keep and order fields",
                config: #"{"fields": ["email", "id"]}"#,
                input: #"[{"id": 1, "email": "a@x", "pw": "s"}, {"id": 2}]"#,
                output: #"[{"email": "a@x", "id": 1}, {"id": 2}]"#),
        ])
}

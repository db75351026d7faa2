import SluiceCore

extension RemoveFields {
    public static let declaration = ComponentDeclaration(
        summary: "Drops `fields` from every record.",
        config: ObjectShape([
            .required("fields", .someFieldNames, "The fields to drop, without repeats; fields a record lacks are ignored."),
        ]),
        examples: [
            ComponentExample(
                "drop a secret",
                config: #"{"fields": ["password"]}"#,
                input: #"[{"id": 1, "password": "x"}]"#,
                output: #"[{"id": 1}]"#),
        ])
}

import SluiceCore

extension TrimText {
    public static let declaration = ComponentDeclaration(
        summary: "Removes leading and trailing Unicode whitespace from `fields` (every text field when `fields` is absent).",
        config: ObjectShape([
            .optional("fields", .someFieldNames, "The fields to trim, without repeats; every text field when absent."),
        ]),
        examples: [
            ComponentExample(
                "trim names",
                config: #"{"fields": ["name"]}"#,
                input: #"[{"name": "  Ana \t"}, {"name": null}]"#,
                output: #"[{"name": "Ana"}, {"name": null}]"#),
        ])
}

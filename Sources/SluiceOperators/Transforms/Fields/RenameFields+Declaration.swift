import SluiceCore

extension RenameFields {
    public static let declaration = ComponentDeclaration(
        summary: "Renames fields (`{\"old\": \"new\"}`) all at once, keeping their positions, so `a`↔`b` swaps. When a record already has a field with the new name, the renamed value wins where the old field is present.",
        config: ObjectShape([
            .required("fields", .map("old name", .fieldName), "Old name → new name; at least one, and no two fields renamed to one name."),
        ]),
        examples: [
            ComponentExample(
                "rename and swap",
                config: #"{"fields": {"a": "b", "b": "a", "c": "see"}}"#,
                input: #"[{"a": 1, "b": 2, "c": 3}]"#,
                output: #"[{"b": 1, "a": 2, "see": 3}]"#),
        ])
}

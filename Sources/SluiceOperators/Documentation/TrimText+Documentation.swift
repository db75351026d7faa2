import SluiceCore

extension TrimText: DocumentedTransform {
    public static let documentation = OperationDocumentation(
        summary: "Removes leading and trailing Unicode whitespace from `fields` (every text field when `fields` is absent).",
        examples: [
            OperationExample(
                "trim names",
                config: #"{"fields": ["name"]}"#,
                input: #"[{"name": "  Ana \t"}, {"name": null}]"#,
                output: #"[{"name": "Ana"}, {"name": null}]"#),
        ])
}

import SluiceCore

extension RemoveFields: DocumentedTransform {
    public static let documentation = OperationDocumentation(
        summary: "Drops `fields` from every record.",
        examples: [
            OperationExample(
                "drop a secret",
                config: #"{"fields": ["password"]}"#,
                input: #"[{"id": 1, "password": "x"}]"#,
                output: #"[{"id": 1}]"#),
        ])
}

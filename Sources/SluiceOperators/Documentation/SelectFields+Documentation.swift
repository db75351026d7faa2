import SluiceCore

extension SelectFields: DocumentedTransform {
    public static let documentation = OperationDocumentation(
        summary: "Keeps only `fields`, in that order; a field a record lacks stays absent.",
        examples: [
            OperationExample(
                "keep and order fields",
                config: #"{"fields": ["email", "id"]}"#,
                input: #"[{"id": 1, "email": "a@x", "pw": "s"}, {"id": 2}]"#,
                output: #"[{"email": "a@x", "id": 1}, {"id": 2}]"#),
        ])
}

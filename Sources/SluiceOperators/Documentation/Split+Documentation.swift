import SluiceCore

extension Split: DocumentedTransform {
    public static let documentation = OperationDocumentation(
        summary: """
            Splits the text of `field` at `delimiter` into `targetFields`. When there are more \
            parts than targets the last target gets the remainder; targets without a part are \
            null. The source field is kept; an array or object cannot be split and its record \
            goes to the dead-letter queue.
            """,
        examples: [
            OperationExample(
                "first and last name",
                config: #"{"field": "full_name", "delimiter": " ", "targetFields": ["first_name", "last_name"]}"#,
                input: #"[{"full_name": "Mary Ann Smith"}, {"full_name": "Cher"}]"#,
                output: #"""
                    [{"full_name": "Mary Ann Smith", "first_name": "Mary", "last_name": "Ann Smith"},
                     {"full_name": "Cher", "first_name": "Cher", "last_name": null}]
                    """#)
        ])
}

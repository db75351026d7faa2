import SluiceCore

extension Split {
    public static let declaration = ComponentDeclaration(
        summary: """
            Splits the text of `field` at `delimiter` into `targetFields`. When there are more \
            parts than targets the last target gets the remainder; targets without a part are \
            null. The source field is kept; an array or object cannot be split and its record \
            goes to the dead-letter queue.
            """,
        config: ObjectShape([
            .required("field", .fieldName, "The field whose text is split; it is kept."),
            .required("delimiter", .nonEmptyText, "The text between parts (plain text, not a pattern)."),
            .required("targetFields", .someFieldNames, "Where the parts go, in order, without repeats; the last one gets the remainder."),
        ]),
        examples: [
            ComponentExample(
                "first and last name",
                config: #"{"field": "full_name", "delimiter": " ", "targetFields": ["first_name", "last_name"]}"#,
                input: #"[{"full_name": "Mary Ann Smith"}, {"full_name": "Cher"}]"#,
                output: #"""
                    [{"full_name": "Mary Ann Smith", "first_name": "Mary", "last_name": "Ann Smith"},
                     {"full_name": "Cher", "first_name": "Cher", "last_name": null}]
                    """#)
        ])
}

import SluiceCore

extension Limit {
    public static let declaration = ComponentDeclaration(
        summary: "Keeps `count` records after skipping `offset` (default 0), in input order.",
        config: ObjectShape([
            .required("count", .integer(0, Limit.maximumRecords), "How many records to keep."),
            .optional("offset", .integer(0, Limit.maximumRecords), default: .int(0), "How many records to skip first."),
        ]),
        examples: [
            ComponentExample(
                "a page",
                config: #"{"count": 2, "offset": 1}"#,
                input: #"[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}]"#,
                output: #"[{"n": 2}, {"n": 3}]"#),
        ])
}

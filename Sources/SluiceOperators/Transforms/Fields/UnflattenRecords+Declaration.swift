import SluiceCore

extension UnflattenRecords {
    public static let declaration = ComponentDeclaration(
        summary: "Turns `a.b` keys back into nested objects (`separator`, default `.`); a clash such as `a: 5` next to `a.b` sends the record to the dead-letter queue.",
        config: ObjectShape([
            .optional("separator", .nonEmptyText, default: .string("."), "The text between the parts of a key (`user.name`)."),
        ]),
        examples: [
            ComponentExample(
                "dotted keys",
                config: #"{"separator": "."}"#,
                input: #"[{"user.name": "A", "user.address.city": "Lima"}]"#,
                output: #"[{"user": {"name": "A", "address": {"city": "Lima"}}}]"#),
        ])
}

import SluiceCore

extension FlattenRecords {
    public static let declaration = ComponentDeclaration(
        summary: "Turns nested objects into `a.b` keys; a nested field's keys replace it at its place. Exploded arrays are zipped when a record has several; a null stays one null field and an empty object stays. Two values landing on one key send the record to the dead-letter queue.",
        config: ObjectShape([
            .optional("separator", .nonEmptyText, default: .string("."), "Put between the parts of a flattened key (`user.name`)."),
            .optional("depth", .integer(1, 1_000), "How many object levels to open; deeper objects stay as values. Every level when absent."),
            .optional("arrays", .choice(FlattenRecords.Arrays.self), default: .string("keep"),
                      "What happens to arrays: `keep` them as values, `join` each into one string, or `explode` into one record per element."),
            .optional("joinWith", .text, default: .string(","), "Put between the elements of an array under `\"arrays\": \"join\"`."),
        ]),
        examples: [
            ComponentExample(
                "nested object",
                config: #"{"separator": "."}"#,
                input: #"[{"user": {"name": "A", "address": {"city": "Lima"}}}]"#,
                output: #"[{"user.name": "A", "user.address.city": "Lima"}]"#),
            ComponentExample(
                "explode an array",
                config: #"{"arrays": "explode"}"#,
                input: #"[{"id": 1, "tags": ["a", "b"]}]"#,
                output: #"[{"id": 1, "tags": "a"}, {"id": 1, "tags": "b"}]"#),
        ])
}

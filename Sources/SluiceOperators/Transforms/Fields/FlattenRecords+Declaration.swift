import SluiceCore

extension FlattenRecords {
    public static let declaration = ComponentDeclaration(
        summary: "Turns nested objects into `a.b` keys (`separator`, default `.`; `depth` limits the levels). Arrays are kept (`\"arrays\": \"keep\"`), joined into text (`\"join\"`, with `joinWith`), or exploded into one record per element (`\"explode\"`, several arrays zipped).",
        config: .undeclared,
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

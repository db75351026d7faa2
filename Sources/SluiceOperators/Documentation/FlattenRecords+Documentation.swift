import SluiceCore

extension FlattenRecords: DocumentedTransform {
    public static let documentation = OperationDocumentation(
        summary: "Turns nested objects into `a.b` keys (`separator`, default `.`; `depth` limits the levels). Arrays are kept (`\"arrays\": \"keep\"`), joined into text (`\"join\"`, with `joinWith`), or exploded into one record per element (`\"explode\"`, several arrays zipped).",
        examples: [
            OperationExample(
                "nested object",
                config: #"{"separator": "."}"#,
                input: #"[{"user": {"name": "A", "address": {"city": "Lima"}}}]"#,
                output: #"[{"user.name": "A", "user.address.city": "Lima"}]"#),
            OperationExample(
                "explode an array",
                config: #"{"arrays": "explode"}"#,
                input: #"[{"id": 1, "tags": ["a", "b"]}]"#,
                output: #"[{"id": 1, "tags": "a"}, {"id": 1, "tags": "b"}]"#),
        ])
}

import SluiceCore

extension NormalizeText: DocumentedTransform {
    public static let documentation = OperationDocumentation(
        summary: "Normalizes text `fields`: `whitespace` (trim and collapse runs to one space), then `case` (`lower`, `upper`, `title`), then `unicode` (`NFC`, `NFD`, `NFKC`, `NFKD`).",
        examples: [
            OperationExample(
                "lower case, single spaces",
                config: #"{"fields": ["name"], "case": "lower", "whitespace": true}"#,
                input: #"[{"name": "  Hello \t WORLD\n"}]"#,
                output: #"[{"name": "hello world"}]"#),
        ])
}

import SluiceCore

extension NormalizeText {
    public static let declaration = ComponentDeclaration(
        summary: "Normalizes text `fields`: `whitespace` (trim and collapse runs to one space), then `case` (`lower`, `upper`, `title`), then `unicode` (`NFC`, `NFD`, `NFKC`, `NFKD`).",
        config: .undeclared,
        examples: [
            ComponentExample(
                "lower case, single spaces",
                config: #"{"fields": ["name"], "case": "lower", "whitespace": true}"#,
                input: #"[{"name": "  Hello \t WORLD\n"}]"#,
                output: #"[{"name": "hello world"}]"#),
        ])
}

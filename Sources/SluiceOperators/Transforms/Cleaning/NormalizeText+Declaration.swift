import SluiceCore

extension NormalizeText {
    public static let declaration = ComponentDeclaration(
        summary: "Normalizes text `fields`: `whitespace` first, then `case` (Unicode's full case mappings; `title` capitalizes each run of letters, digits, marks and apostrophes), then `unicode`, so the result is in that form. Non-text values are left alone.",
        config: ObjectShape([
            .optional("fields", .someFieldNames, "The fields to normalize, without repeats; every text field when absent."),
            .optional("whitespace", .boolean, default: .bool(false), "Trim the ends and collapse every inner run of whitespace to one space (first)."),
            .optional("case", .choice(NormalizeText.Case.self), "Map letters to `lower`, `upper` or `title` case (second)."),
            .optional("unicode", .choice(UnicodeForm.self), "Normalize to Unicode form `NFC`, `NFD`, `NFKC` or `NFKD` (last)."),
        ], rules: [.atLeastOne(["whitespace", "case", "unicode"])]),
        examples: [
            ComponentExample(
                "lower case, single spaces",
                config: #"{"fields": ["name"], "case": "lower", "whitespace": true}"#,
                input: #"[{"name": "  Hello \t WORLD\n"}]"#,
                output: #"[{"name": "hello world"}]"#),
        ])
}

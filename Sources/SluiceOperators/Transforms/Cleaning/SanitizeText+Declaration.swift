import SluiceCore

extension SanitizeText {
    public static let declaration = ComponentDeclaration(
        summary: "Strips HTML tags and decodes the common entities (`html`, default true) and removes control characters except tab and newline (`control`, default true) from `fields`.",
        config: .undeclared,
        examples: [
            ComponentExample(
                "strip markup",
                config: #"{"fields": ["bio"]}"#,
                input: #"[{"bio": "<p>Tom &amp; <b>Jerry</b></p>"}]"#,
                output: #"[{"bio": "Tom & Jerry"}]"#),
        ])
}

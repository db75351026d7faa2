import SluiceCore

extension SanitizeText {
    public static let declaration = ComponentDeclaration(
        summary: "Strips HTML tags and decodes the common entities (`&amp; &lt; &gt; &quot; &#39; &apos;` and numeric references), and removes control characters (U+0000–U+001F, U+007F–U+009F) except tab and line feed, from `fields`. A `<` that opens no tag stays; decoded text is not scanned again. At least one of `html` and `control` must stay on.",
        config: ObjectShape([
            .optional("fields", .someFieldNames, "The fields to clean, without repeats; every text field when absent."),
            .optional("html", .boolean, default: .bool(true), "Strip HTML tags and comments and decode the common entities."),
            .optional("control", .boolean, default: .bool(true), "Remove control characters except tab and line feed."),
        ]),
        examples: [
            ComponentExample(
                "strip markup",
                config: #"{"fields": ["bio"]}"#,
                input: #"[{"bio": "<p>Tom &amp; <b>Jerry</b></p>"}]"#,
                output: #"[{"bio": "Tom & Jerry"}]"#),
        ])
}

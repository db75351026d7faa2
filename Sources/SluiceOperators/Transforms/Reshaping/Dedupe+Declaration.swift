import SluiceCore

extension Dedupe {
    public static let declaration = ComponentDeclaration(
        summary: """
            Drops records whose `fields` repeat an earlier record's key. `keep: "first"` (the \
            default) streams the first occurrence of each key; `keep: "last"` emits, at the end, \
            one record per key in the order of its first occurrence with the values of its last. \
            Null and absent are one key value; `1` and `1.0` are equal, `"1"` and `1` are not.
            """,
        config: .undeclared,
        examples: [
            ComponentExample(
                "first per email",
                config: #"{"fields": ["email"]}"#,
                input: #"[{"email": "a@x", "n": 1}, {"email": "b@x", "n": 2}, {"email": "a@x", "n": 3}]"#,
                output: #"[{"email": "a@x", "n": 1}, {"email": "b@x", "n": 2}]"#),
            ComponentExample(
                "last per key",
                config: #"{"fields": ["email"], "keep": "last"}"#,
                input: #"[{"email": "a@x", "n": 1}, {"email": "b@x", "n": 2}, {"email": "a@x", "n": 3}]"#,
                output: #"[{"email": "a@x", "n": 3}, {"email": "b@x", "n": 2}]"#),
        ])
}

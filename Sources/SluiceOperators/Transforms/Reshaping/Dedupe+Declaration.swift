import SluiceCore

extension Dedupe {
    public static let declaration = ComponentDeclaration(
        summary: """
            Drops records whose `fields` repeat an earlier record's key. `keep: "first"` (the \
            default) streams the first occurrence of each key; `keep: "last"` emits, at the end, \
            one record per key in the order of its first occurrence with the values of its last. \
            Null and absent are one key value; `1` and `1.0` are equal, `"1"` and `1` are not.
            """,
        config: ObjectShape([
            .required("fields", .someFieldNames, "The fields whose values together form the key, without repeats."),
            .optional("keep", .choice(Dedupe.Keep.self), default: .string("first"),
                      "`first` streams each key's first record; `last` emits, at the end, each key's last record at its first one's place."),
        ]),
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

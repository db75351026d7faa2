import SluiceCore

extension Sample {
    public static let declaration = ComponentDeclaration(
        summary: "Keeps a deterministic sample: `fraction` (each record kept with that probability) or `count` (exactly that many, reservoir sampling, output in input order); `seed` (default 0) fixes the choice.",
        config: .undeclared,
        examples: [
            ComponentExample(
                "three of ten",
                config: #"{"count": 3, "seed": 42}"#,
                input: #"[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n": 5}, {"n": 6}, {"n": 7}, {"n": 8}, {"n": 9}, {"n": 10}]"#,
                output: #"[{"n": 5}, {"n": 6}, {"n": 7}]"#),
        ])
}

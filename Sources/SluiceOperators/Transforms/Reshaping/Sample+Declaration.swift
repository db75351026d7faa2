import SluiceCore

extension Sample {
    public static let declaration = ComponentDeclaration(
        summary: "Keeps a reproducible random sample, in input order: `fraction` keeps each record with that probability, `count` exactly that many (reservoir sampling). Every choice is a hash of `seed` and the record's ordinal.",
        config: ObjectShape(
            [
                .optional("fraction", .number(0, 1), "The probability of keeping each record, independently (Bernoulli sampling); kept records leave at once."),
                .optional("count", .integer(0, Sample.maximumCount), "Exactly this many records (all when there are fewer), each equally likely; held until the input ends."),
                .optional("seed", .integer(0, Int.max), default: .int(0), "Fixes the random choices: the same input and seed give the same sample, whatever the batch sizes."),
            ],
            rules: [.exactlyOne(["fraction", "count"])]),
        examples: [
            ComponentExample(
                "three of ten",
                config: #"{"count": 3, "seed": 42}"#,
                input: #"[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n": 5}, {"n": 6}, {"n": 7}, {"n": 8}, {"n": 9}, {"n": 10}]"#,
                output: #"[{"n": 5}, {"n": 6}, {"n": 7}]"#),
        ])
}

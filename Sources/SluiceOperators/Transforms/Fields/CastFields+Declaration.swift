import SluiceCore

extension CastFields {
    public static let declaration = ComponentDeclaration(
        summary: "Casts `fields` to `string`, `number`, `integer`, `boolean`, `date`, `array` or `object`, following DuckDB's TRY_CAST (text to integer rounds half away from zero, double to integer half to even; booleans accept true/t/yes/y/1 and false/f/no/n/0). Null and absent values stay as they are.",
        config: ObjectShape([
            .required("fields", .map("field", .choice(CastType.self)), "Field → the type it is cast to, in the order written; at least one."),
            .optional("onError", .choice(CastFields.OnError.self), default: .string("reject"),
                      "What a value that cannot be cast does: `reject` sends its record to the dead-letter queue, `null` makes it null."),
        ]),
        examples: [
            ComponentExample(
                "types from text",
                config: #"{"fields": {"amount": "number", "age": "integer", "active": "boolean", "id": "string"}}"#,
                input: #"[{"id": 7, "amount": " 12.5 ", "age": "2.5", "active": "Yes"}]"#,
                output: #"[{"id": "7", "amount": 12.5, "age": 3, "active": true}]"#),
            ComponentExample(
                "bad values become null",
                config: #"{"fields": {"amount": "number"}, "onError": "null"}"#,
                input: #"[{"amount": "n/a"}, {"amount": "4"}]"#,
                output: #"[{"amount": null}, {"amount": 4}]"#),
        ])
}

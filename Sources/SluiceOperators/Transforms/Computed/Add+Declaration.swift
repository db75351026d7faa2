import SluiceCore

extension Add {
    public static let declaration = ComponentDeclaration(
        summary: """
            Adds or replaces the fields named in `fields`, each computed by an expression over \
            the record (`amount * quantity`, `split_part(email, '@', 2)`, `case when … end`). \
            Fields are computed in order, so a later expression may use an earlier one's \
            output. An expression fails on a row by division by zero, integer overflow, a \
            failed conversion or date parse; `onError` says what happens to that row.
            """,
        config: ObjectShape([
            .required("fields", .map("output field", .expression),
                      "Output field → the expression computing it, in evaluation order (a later one may use an earlier one's output); at least one."),
            .optional("onError", .choice(Add.ErrorPolicy.self), default: .string("reject"),
                      "What a row whose expression fails does: `reject` sends it to the dead-letter queue with the reason, `null` makes the field null."),
        ]),
        examples: [
            ComponentExample(
                "totals, domains and grades",
                config: #"""
                    {"fields": {"total": "amount * quantity", "domain": "split_part(email, '@', 2)",
                                "grade": "case when total >= 100 then 'big' else 'small' end"}}
                    """#,
                input: #"[{"amount": 25, "quantity": 4, "email": "ann@example.com"}, {"amount": 2.5, "quantity": 2, "email": null}]"#,
                output: #"""
                    [{"amount": 25, "quantity": 4, "email": "ann@example.com", "total": 100, "domain": "example.com", "grade": "big"},
                     {"amount": 2.5, "quantity": 2, "email": null, "total": 5.0, "domain": null, "grade": "small"}]
                    """#),
            ComponentExample(
                "failures become null with onError null",
                config: #"{"fields": {"ratio": "round(a / b, 2)"}, "onError": "null"}"#,
                input: #"[{"a": 2, "b": 3}, {"a": 1, "b": 0}]"#,
                output: #"[{"a": 2, "b": 3, "ratio": 0.67}, {"a": 1, "b": 0, "ratio": null}]"#),
        ])
}

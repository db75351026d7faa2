import SluiceCore

extension Filter {
    /// The keys of one condition, which is what a filter's whole config is: a test
    /// (`field`, `operator`, `value`), a combination (`and`, `or`, `not`, holding further
    /// conditions by the ``conditionDefinitions`` name `condition`) or an expression (`expr`).
    /// An aggregate's `having` is one too.
    public static let condition = ObjectShape(
        [
            .optional("field", .fieldName, "The field a test compares."),
            .optional("operator", .choice(FilterOperator.self, noun: "operator"), "How the test compares the field with `value`."),
            .optional("value", .anyValue,
                      "What the field is compared with: an array for `in` and `notIn`, `[low, high]` for `between`, a string for `startsWith`, `endsWith` and `regex`, nothing for `isNull` and `notNull`; null when absent."),
            .optional("and", .array(.reference("condition"), minItems: 1), "Conditions that must all be true."),
            .optional("or", .array(.reference("condition"), minItems: 1), "Conditions of which one must be true."),
            .optional("not", .reference("condition"), "A condition that must be false (unknown stays unknown)."),
            .optional("expr", .expression, "A boolean expression of the expression language (`amount > 100 && status == 'active'`)."),
        ],
        rules: [
            .exactlyOne(["field", "and", "or", "not", "expr"]),
            .requires("field", ["operator"]),
            .requires("operator", ["field"]),
            .requires("value", ["field"]),
        ])

    /// The named shapes a condition refers to: `condition` itself, for `and`, `or` and `not`.
    public static let conditionDefinitions: [String: Shape] = ["condition": .object(condition)]

    public static let declaration = ComponentDeclaration(
        summary: """
            Keeps the records for which a condition is true. A condition is one test \
            `{"field", "operator", "value"}`, or `{"and": [...]}`, `{"or": [...]}`, `{"not": {...}}` \
            nested to any depth, or one expression (`{"expr": "amount > 100 && status == 'active'"}`). \
            Operators: `eq`, `ne`, `gt`, `gte`, `lt`, `lte`, `in` and `notIn` (value is an array), \
            `contains` (text contains, or an array holds), `startsWith`, `endsWith`, `regex` \
            (matches anywhere), `between` (`[low, high]`, inclusive), `isNull`, `notNull`. Numbers \
            compare across int and double, and a numeric string compares as a number against a \
            number. Null follows SQL's three-valued logic: `eq`, `ne`, `in`, `isNull` and `notNull` \
            decide on null, the other tests are unknown there, and `not` keeps unknown unknown. \
            A record on which an expression fails (division by zero, a failed cast) goes to the \
            dead-letter queue, since the condition could not be decided.
            """,
        config: condition,
        examples: [
            ComponentExample(
                "keep active orders over 100",
                config: #"{"field": "amount", "operator": "gt", "value": 100}"#,
                input: #"[{"id": 1, "amount": 250}, {"id": 2, "amount": 99.5}, {"id": 3, "amount": "120"}, {"id": 4}]"#,
                output: #"[{"id": 1, "amount": 250}, {"id": 3, "amount": "120"}]"#),
            ComponentExample(
                "membership",
                config: #"{"field": "status", "operator": "in", "value": ["active", "pending"]}"#,
                input: #"[{"status": "active"}, {"status": "closed"}, {"status": "pending"}, {"status": null}]"#,
                output: #"[{"status": "active"}, {"status": "pending"}]"#),
            ComponentExample(
                "nested conditions",
                config: #"""
                    {"or": [{"field": "status", "operator": "eq", "value": "active"},
                            {"and": [{"field": "amount", "operator": "between", "value": [100, 500]},
                                     {"not": {"field": "region", "operator": "notIn", "value": ["EU", "US"]}}]}]}
                    """#,
                input: #"""
                    [{"id": 1, "status": "active", "amount": 50, "region": "APAC"},
                     {"id": 2, "status": "closed", "amount": 250, "region": "EU"},
                     {"id": 3, "status": "closed", "amount": 250, "region": "MEA"},
                     {"id": 4, "status": null, "amount": 300}]
                    """#,
                output: #"""
                    [{"id": 1, "status": "active", "amount": 50, "region": "APAC"},
                     {"id": 2, "status": "closed", "amount": 250, "region": "EU"}]
                    """#),
            ComponentExample(
                "an expression",
                config: #"{"expr": "amount > 100 && starts_with(email, 'vip')"}"#,
                input: #"[{"email": "vip@x", "amount": 150}, {"email": "ann@x", "amount": 900}, {"email": "vip2@x", "amount": 5}]"#,
                output: #"[{"email": "vip@x", "amount": 150}]"#),
        ],
        definitions: conditionDefinitions)
}

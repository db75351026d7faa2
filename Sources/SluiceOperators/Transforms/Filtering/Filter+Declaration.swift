import SluiceCore

extension Filter {
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
            decide on null, the other tests are unknown there, and `not` keeps unknown unknown.
            """,
        config: .undeclared,
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
        ])
}

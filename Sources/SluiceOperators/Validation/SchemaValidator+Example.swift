/// The schema validation example of the reference page; the test suite runs it through the
/// engine and checks the records that pass and the reasons of those that do not.
public enum SchemaValidationExample {
    /// A source `schema` using every field type option and every validator.
    public static let schema = #"""
        {"fields": [
           {"name": "id", "type": "number", "nullable": false},
           {"name": "email", "type": "string", "validators": [{"type": "pattern", "value": "^[^@]+@[^@]+$", "message": "Invalid email"}]},
           {"name": "age", "type": "number", "validators": [{"type": "min", "value": 0}, {"type": "max", "value": 150}]},
           {"name": "plan", "type": "string", "validators": [{"type": "enum", "value": ["free", "pro"]}]},
           {"name": "code", "type": "string", "validators": [{"type": "custom", "fn": "starts_with(value, 'C-')", "message": "code must start with C-"}]}],
         "required": ["id", "email"], "strictMode": false}
        """#

    /// The records read.
    public static let input = #"""
        [{"id": 1, "email": "ada@example.com", "age": "36", "plan": "pro", "code": "C-1"},
         {"id": 2, "email": "grace", "age": 200, "plan": "gold", "code": "X-2"},
         {"email": "linus@example.com"},
         {"id": "4", "email": "alan@example.com", "age": null, "extra": true}]
        """#

    /// The records that pass, as the transforms see them (non-strict coercions applied).
    public static let output = #"""
        [{"id": 1, "email": "ada@example.com", "age": 36, "plan": "pro", "code": "C-1"},
         {"id": 4, "email": "alan@example.com", "age": null, "extra": true}]
        """#

    /// The dead-letter queue entries: position and reason.
    public static let rejected: [(position: Int, reason: String)] = [
        (2, "Invalid email; Field age: value 200 is greater than maximum 150; Field plan: value 'gold' is not one of free, pro; code must start with C-"),
        (3, "Missing required field: id"),
    ]
}

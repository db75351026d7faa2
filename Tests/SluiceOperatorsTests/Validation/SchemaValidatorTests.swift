import SluiceCore
import Testing

@testable import SluiceOperators

/// The example schema of the `POST /jobs` documentation.
private let seedSchema = """
    {"fields": [
        {"name": "id", "type": "string", "nullable": false},
        {"name": "email", "type": "string", "nullable": false,
         "validators": [{"type": "pattern", "value": "^[^@]+@[^@]+\\\\.[^@]+$", "message": "Invalid email format"}]},
        {"name": "age", "type": "number", "nullable": true,
         "validators": [{"type": "min", "value": 0}, {"type": "max", "value": 150}]}
     ],
     "required": ["id", "email"], "strictMode": false}
    """

private func validator(_ schemaJSON: String) throws -> SchemaValidator {
    try SchemaValidator(schema: try decode(SchemaSpec.self, schemaJSON))
}

private func schemaError(_ schemaJSON: String) throws -> String? {
    let schema = try decode(SchemaSpec.self, schemaJSON)
    return specError { _ = try SchemaValidator(schema: schema) }?.message
}

@Suite struct SchemaValidatorTests {
    @Test func seedExampleAcceptsValidAndRejectsWithEveryReason() throws {
        let v = try validator(seedSchema)
        let input = try batch(
            """
            [{"id": "1", "email": "a@b.co", "age": 30},
             {"id": "2", "age": 20},
             {"email": "bad", "age": 151},
             {"id": "4", "email": "d@e.fr", "age": "42"},
             {"id": "5", "email": "e@f.de", "age": null}]
            """, positions: [10, 11, 12, 13, 14])
        for layout in [input, valuesLayout(input)] {
            let result = v.validate(layout)
            #expect(text(result.batch) == #"[{"id":"1","email":"a@b.co","age":30},{"id":"4","email":"d@e.fr","age":42},{"id":"5","email":"e@f.de","age":null}]"#)
            #expect(result.batch.positions == [10, 13, 14])
            #expect(result.rejected.count == 2)
            #expect(result.rejected[0] == Rejection(record: ["id": "2", "age": 20], reasons: ["Missing required field: email"], position: 11, stage: "validation"))
            #expect(result.rejected[1].reasons == ["Missing required field: id", "Invalid email format", "Field age: value 151 is greater than maximum 150"])
            #expect(result.rejected[1].record == ["email": "bad", "age": 151])
            #expect(result.rejected[1].position == 12)
            #expect(result.rejected[1].message == "Missing required field: id; Invalid email format; Field age: value 151 is greater than maximum 150")
        }
    }

    @Test func defaultValidatorMessages() throws {
        let v = try validator(
            """
            {"fields": [
                {"name": "age", "type": "number", "validators": [{"type": "min", "value": 0}, {"type": "max", "value": 150}]},
                {"name": "name", "type": "string", "validators": [{"type": "min", "value": 2}, {"type": "max", "value": 4}]},
                {"name": "email", "type": "string", "validators": [{"type": "pattern", "value": "^[^@]+@[^@]+\\\\.[^@]+$"}]},
                {"name": "status", "type": "string", "validators": [{"type": "enum", "value": ["active", "inactive", "pending"]}]},
                {"name": "tags", "type": "array", "validators": [{"type": "max", "value": 2}]},
                {"name": "score", "type": "number", "validators": [{"type": "enum", "value": [1, 2.5]}, {"type": "max", "value": 2.5}]}
            ]}
            """)
        let input = try batch(
            """
            [{"age": -1, "name": "a", "email": "foo", "status": "x", "tags": [1, 2, 3], "score": 3},
             {"age": 4.5, "name": "abcde", "email": "a@b.c", "status": "active", "tags": [], "score": 2.5},
             {"age": 150, "name": "ab", "status": "pending", "tags": ["a", "b"], "score": 1.0}]
            """)
        for layout in [input, valuesLayout(input)] {
            let result = v.validate(layout)
            #expect(result.rejected.map(\.reasons) == [
                [
                    "Field age: value -1 is less than minimum 0", "Field name: length 1 is less than minimum 2",
                    "Field email: value 'foo' does not match pattern ^[^@]+@[^@]+\\.[^@]+$",
                    "Field status: value 'x' is not one of active, inactive, pending",
                    "Field tags: length 3 is greater than maximum 2",
                    "Field score: value 3 is not one of 1, 2.5", "Field score: value 3 is greater than maximum 2.5",
                ],
                ["Field name: length 5 is greater than maximum 4"],
            ])
            #expect(result.batch.count == 1)
            #expect(result.batch.positions == [3])
        }
    }

    @Test func stringLengthCountsCharactersNotBytes() throws {
        let v = try validator(#"{"fields": [{"name": "n", "type": "string", "validators": [{"type": "max", "value": 3}]}]}"#)
        let result = v.validate(try batch(#"[{"n": "ééé"}, {"n": "éééé"}, {"n": "abc"}]"#))
        #expect(result.rejected.map(\.reasons) == [["Field n: length 4 is greater than maximum 3"]])
        #expect(result.rejected.first?.position == 2)
    }

    @Test func customMessageReplacesDefault() throws {
        let v = try validator(
            #"{"fields": [{"name": "age", "type": "number", "validators": [{"type": "max", "value": 150, "message": "Too old"}]}]}"#)
        #expect(v.validate(try batch(#"[{"age": 200}]"#)).rejected.map(\.reasons) == [["Too old"]])
    }

    @Test func nonStrictCoercions() throws {
        let v = try validator(
            """
            {"fields": [
                {"name": "n", "type": "number"}, {"name": "b", "type": "boolean"}, {"name": "s", "type": "string"},
                {"name": "d", "type": "date"}
            ]}
            """)
        let input = try batch(
            """
            [{"n": "42", "b": "TRUE", "s": 42, "d": "2024-01-15T10:30:00Z", "extra": 1},
             {"n": "4.5", "b": "false", "s": 4.5, "d": 1700000000000},
             {"n": " -7 ", "b": true, "s": true, "d": "2024-02-29"}]
            """)
        for layout in [input, valuesLayout(input)] {
            let result = v.validate(layout)
            #expect(result.rejected.isEmpty)
            #expect(text(result.batch) == """
                [{"n":42,"b":true,"s":"42","d":"2024-01-15T10:30:00Z","extra":1},\
                {"n":4.5,"b":false,"s":"4.5","d":1700000000000},\
                {"n":-7,"b":true,"s":"true","d":"2024-02-29"}]
                """)
            if case .values(let values)? = result.batch.column(named: "n")?.storage {
                #expect(values == [.int(42), .double(4.5), .int(-7)])
            }
        }
    }

    @Test func typeMismatchesInNonStrictMode() throws {
        let v = try validator(
            """
            {"fields": [
                {"name": "n", "type": "number"}, {"name": "b", "type": "boolean"}, {"name": "d", "type": "date"},
                {"name": "a", "type": "array"}, {"name": "o", "type": "object"}, {"name": "s", "type": "string"}
            ]}
            """)
        let input = try batch(#"[{"n": "abc", "b": "yes", "d": "2024-13-01", "a": "x", "o": [1], "s": {"k": 1}}, {"n": true, "b": 1}]"#)
        for layout in [input, valuesLayout(input)] {
            #expect(v.validate(layout).rejected.map(\.reasons) == [
                [
                    "Field n: expected number, got string", "Field b: expected boolean, got string",
                    "Field d: expected date, got string", "Field a: expected array, got string",
                    "Field o: expected object, got array", "Field s: expected string, got object",
                ],
                ["Field n: expected number, got boolean", "Field b: expected boolean, got number"],
            ])
        }
    }

    @Test func strictModeRefusesUnknownFieldsAndCoercions() throws {
        let v = try validator(
            """
            {"fields": [{"name": "id", "type": "string"}, {"name": "age", "type": "number"}, {"name": "d", "type": "date"}],
             "strictMode": true}
            """)
        let input = try batch(
            """
            [{"id": "1", "age": 30, "d": "2024-01-01"},
             {"id": 2, "age": "42", "nickname": "bob"},
             {"id": "3", "nickname": null, "d": 1700000000000}]
            """)
        for layout in [input, valuesLayout(input)] {
            let result = v.validate(layout)
            #expect(result.rejected.map(\.reasons) == [
                ["Field id: expected string, got number", "Field age: expected number, got string", "Unknown field: nickname"],
                ["Unknown field: nickname"],
            ])
            #expect(text(result.batch) == #"[{"id":"1","age":30,"d":"2024-01-01"}]"#)
        }
    }

    @Test func nullPolicyAndRequiredFields() throws {
        let v = try validator(
            """
            {"fields": [{"name": "id", "type": "number", "nullable": false}, {"name": "note", "type": "string"},
                        {"name": "code", "type": "string", "nullable": false}],
             "required": ["code", "email"]}
            """)
        let input = try batch(#"[{"id": null, "note": null, "code": "x", "email": "e"}, {"note": "n", "email": null}, {"id": 1, "code": "c", "email": "e"}]"#)
        let result = v.validate(input)
        #expect(result.rejected.map(\.reasons) == [
            ["Field id: must not be null"],
            ["Missing required field: code", "Missing required field: email", "Field id: must not be null"],
        ])
        #expect(result.batch.positions == [3])
    }

    @Test func validBatchPassesUntouched() throws {
        let v = try validator(#"{"fields": [{"name": "n", "type": "number", "validators": [{"type": "min", "value": 0}]}]}"#)
        let input = try batch(#"[{"n": 1, "x": "a"}, {"n": 2.5}]"#)
        let result = v.validate(input)
        #expect(result.rejected.isEmpty)
        #expect(text(result.batch) == text(input))
    }

    @Test func schemaErrorsNameTheirPath() throws {
        #expect(try schemaError(#"{"fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string", "validators": [{"type": "pattern", "value": "([a-z"}]}]}"#)?.hasPrefix("fields[1].validators[0].value: invalid regular expression '([a-z': ") == true)
        #expect(try schemaError(#"{"fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}, {"name": "c", "type": "number", "validators": [{"type": "min", "value": "5"}]}]}"#) == "fields[2].validators[0].value: min expects a number")
        #expect(try schemaError(#"{"fields": [{"name": "a", "type": "number", "validators": [{"type": "max", "value": 1}, {"type": "foo", "value": 1}]}]}"#) == "fields[0].validators[1].type: unknown validator 'foo'; expected one of min, max, pattern, enum, custom")
        #expect(try schemaError(#"{"fields": [{"name": "a", "type": "string", "validators": [{"type": "enum", "value": "x"}]}]}"#) == "fields[0].validators[0].value: enum expects an array of allowed values, got string")
        #expect(try schemaError(#"{"fields": [{"name": "a", "type": "string", "validators": [{"type": "pattern", "value": 3}]}]}"#) == "fields[0].validators[0].value: pattern expects a regular expression string, got number")
    }

    @Test func typedColumnsAgreeWithTheGeneralPath() throws {
        let v = try validator(
            """
            {"fields": [
                {"name": "i", "type": "number", "validators": [{"type": "enum", "value": [1, 2, 30]}, {"type": "min", "value": 2}]},
                {"name": "d", "type": "number", "nullable": false, "validators": [{"type": "max", "value": 1.5}]},
                {"name": "b", "type": "boolean", "validators": [{"type": "enum", "value": [true]}]},
                {"name": "t", "type": "date"},
                {"name": "n", "type": "number", "validators": [{"type": "max", "value": 10}]},
                {"name": "s", "type": "string", "validators": [{"type": "pattern", "value": "^[a-z]+$"}, {"type": "enum", "value": ["ab", "é"]}]}
            ]}
            """)
        let input = try batch(
            """
            [{"i": 1, "d": 0.5, "b": true, "t": "2024-01-01T00:00:00.5+02:00", "n": "3", "s": "ab"},
             {"i": 30, "d": 2.25, "b": false, "t": "yesterday", "n": "11", "s": "é"},
             {"i": null, "d": null, "b": null, "t": null, "n": null, "s": null},
             {"i": 2, "t": "2024-02-30", "n": "x", "s": "AB"}]
            """, positions: [5, 6, 7, 8])
        for layout in [input, valuesLayout(input)] {
            let result = v.validate(layout)
            #expect(result.rejected.map(\.reasons) == [
                ["Field i: value 1 is less than minimum 2"],
                [
                    "Field d: value 2.25 is greater than maximum 1.5", "Field b: value false is not one of true",
                    "Field t: expected date, got string", "Field n: value 11 is greater than maximum 10",
                    "Field s: value 'é' does not match pattern ^[a-z]+$",
                ],
                ["Field d: must not be null"],
                [
                    "Field d: must not be null", "Field t: expected date, got string", "Field n: expected number, got string",
                    "Field s: value 'AB' does not match pattern ^[a-z]+$", "Field s: value 'AB' is not one of ab, é",
                ],
            ])
            #expect(result.rejected.map(\.position) == [5, 6, 7, 8])
            #expect(result.rejected[0].record == ["i": 1, "d": 0.5, "b": true, "t": "2024-01-01T00:00:00.5+02:00", "n": "3", "s": "ab"])
            #expect(result.batch.count == 0)
        }
    }

    @Test func nullsSurviveCoercionOfATextColumn() throws {
        let v = try validator(#"{"fields": [{"name": "n", "type": "number"}]}"#)
        let result = v.validate(try batch(#"[{"n": "1"}, {"n": null}, {"x": 1}, {"n": "2.5"}]"#))
        #expect(text(result.batch) == #"[{"n":1},{"n":null},{"x":1},{"n":2.5}]"#)
        #expect(result.batch.column(named: "n")?.presence == [.present, .null, .absent, .present])
    }
}

/// A custom validator, with an expression.
@Suite struct CustomValidatorTests {
    @Test func aCustomExpressionChecksEveryValue() throws {
        let schema = try ValueDecoder().decode(SchemaSpec.self, from: try JSONParser.parse(#"""
            {"fields": [{"name": "id", "type": "string", "validators": [
                {"type": "custom", "fn": "starts_with(value, 'USER_')", "message": "ID must start with USER_"}]},
              {"name": "qty", "type": "number", "validators": [{"type": "custom", "fn": "value % 2 == 0"}]}]}
            """#))
        let validator = try SchemaValidator(schema: schema)
        let batch = RecordBatch(records: [
            ValueObject([("id", .string("USER_1")), ("qty", .int(4))]),
            ValueObject([("id", .string("ADMIN")), ("qty", .int(3))]),
            ValueObject([("id", .null), ("qty", .string("8"))]),
        ])
        let result = validator.validate(batch)
        #expect(result.batch.count == 2)
        #expect(result.rejected.map(\.position) == [2])
        #expect(result.rejected.first?.reasons == ["ID must start with USER_", "Field qty: value 3 fails value % 2 == 0"])
    }

    @Test func aBadExpressionIsASpecErrorWithACaret() throws {
        let schema = try ValueDecoder().decode(SchemaSpec.self, from: try JSONParser.parse(
            #"{"fields": [{"name": "id", "type": "string", "validators": [{"type": "custom", "fn": "starts_with(value, "}]}]}"#))
        #expect(throws: SpecError.self) { try SchemaValidator(schema: schema) }
        do {
            _ = try SchemaValidator(schema: schema)
        } catch {
            #expect(error.path == "fields[0].validators[0].fn")
            #expect(error.message.contains("^"))
        }
    }
}

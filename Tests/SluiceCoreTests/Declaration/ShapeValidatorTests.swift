import SluiceCore
import Testing

/// The declared shapes check a spec with exact paths and messages a user can act on.
@Suite struct ShapeValidatorTests {
    static let file = Shape.object([
        .required("path", .path, "Where."),
        .optional("format", .choice(["json", "ndjson", "csv"]), "How."),
        .optional("delimiter", .character, "CSV delimiter."),
        .optional("header", .boolean, default: .bool(true), "Header row."),
        .optional("port", .integer(1, 65535), "A port."),
        .optional("ratio", .number(0, 1), "A fraction."),
        .optional("columns", .array(.object([.required("name", .fieldName, "Name.")]), minItems: 1), "Columns."),
        .optional("table", .nonEmptyText, "A table."),
        .optional("query", .nonEmptyText, "A query."),
        .optional("fields", .map("output field", .expression), "Computed fields."),
        .optional("value", .anyOf([.text, .array(.text)]), "Text or texts."),
    ], rules: [.atMostOne(["table", "query"]), .requires("columns", ["table"])])

    func errors(_ json: String, _ shape: Shape = file) throws -> [String] {
        ShapeValidator().errors(in: try JSONParser.parse(json), against: shape, at: "config").map(\.message)
    }

    @Test func unknownKeysNameTheKeyProbablyMeant() throws {
        #expect(try errors(#"{"path": "a", "delimter": ";", "fromat": "csv", "Header": true, "zzz": 1}"#) == [
            "config.delimter: unknown key; did you mean 'delimiter'? expected one of path, format, delimiter, header, port, ratio, columns, table, query, fields, value",
            "config.fromat: unknown key; did you mean 'format'? expected one of path, format, delimiter, header, port, ratio, columns, table, query, fields, value",
            "config.Header: unknown key; did you mean 'header'? expected one of path, format, delimiter, header, port, ratio, columns, table, query, fields, value",
            "config.zzz: unknown key; expected one of path, format, delimiter, header, port, ratio, columns, table, query, fields, value",
        ])
    }

    @Test func valuesAreCheckedAgainstTheirShape() throws {
        #expect(try errors(#"{"format": "xml", "delimiter": ";;", "header": "yes", "port": 70000, "ratio": 1.5}"#) == [
            "config.format: unknown value 'xml'; expected one of json, ndjson, csv",
            "config.delimiter: expected exactly one character, found ';;'",
            "config.header: expected true or false, found 'yes'",
            "config.port: expected an integer from 1 to 65535, found 70000",
            "config.ratio: expected a number from 0 to 1, found 1.5",
            "config.path: required field is missing",
        ])
        #expect(try errors(#"{"path": "", "format": "jsno", "port": 1e300}"#) == [
            "config.path: must not be empty",
            "config.format: unknown value 'jsno'; did you mean 'json'? expected one of json, ndjson, csv",
            "config.port: expected an integer from 1 to 65535, found 1e+300",
        ])
        #expect(try errors(#"{"path": "a", "port": 18446744073709551616, "columns": [], "value": 3}"#) == [
            "config.port: expected an integer from 1 to 65535, found 1.8446744073709552e+19",
            "config.columns: must not be empty",
            "config.value: expected a string or an array of strings, found 3",
            "config.table: required when 'columns' is given",
        ])
    }

    @Test func nestedPathsAndRules() throws {
        #expect(try errors(#"{"path": "a", "table": "t", "query": "q", "columns": [{"name": "a"}, {"nmae": "b"}], "fields": {"x": "", "y": 2}}"#) == [
            "config.columns[1].nmae: unknown key; did you mean 'name'? expected one of name",
            "config.columns[1].name: required field is missing",
            "config.fields.x: must not be empty",
            "config.fields.y: expected an expression, found 2",
            "config.query: give only one of table or query, not both table and query",
        ])
        #expect(try errors(#"{"path": "a", "format": null, "value": ["a", 1]}"#) == ["config.value[1]: expected a string, found 1"])
        #expect(try errors(#"{"path": "a"}"#) == [])
        #expect(try errors(#"[1]"#) == ["config: expected an object, found an array"])
    }

    @Test func variantsCheckThePayloadOfTheirTag() throws {
        let catalog = ShapeCatalog([
            "step": .variants(VariantShape(
                noun: "operation", tagKey: "operation", payloadKey: "config",
                common: ObjectShape([.required("operation", .nonEmptyText, "Which."), .optional("config", .anyValue, "Settings.")]),
                variants: [("limit", .object([.required("count", .integer(atLeast: 0), "How many.")])), ("sort", .object([]))])),
            "check": .variants(VariantShape(
                noun: "validator", tagKey: "type", payloadKey: nil,
                common: ObjectShape([.required("type", .nonEmptyText, "Which."), .optional("message", .text, "Why.")]),
                variants: [("min", .object([.required("value", .number(), "Bound.")])), ("custom", .object([.required("fn", .expression, "Test.")]))])),
        ])
        let validator = ShapeValidator(catalog: catalog)
        func check(_ json: String, _ name: String) throws -> [String] {
            validator.errors(in: try JSONParser.parse(json), against: .reference(name), at: "s").map(\.message)
        }
        #expect(try check(#"{"operation": "limt", "config": {"x": 1}}"#, "step") == [
            "s.operation: unknown operation 'limt'; did you mean 'limit'? expected one of limit, sort",
        ])
        #expect(try check(#"{"operation": "limit"}"#, "step") == ["s.config.count: required field is missing"])
        #expect(try check(#"{"operation": "limit", "config": {"count": -1}, "extra": true}"#, "step") == [
            "s.extra: unknown key; expected one of operation, config",
            "s.config.count: expected an integer of at least 0, found -1",
        ])
        #expect(try check(#"{"type": "min", "value": 3, "fn": "true"}"#, "check") == [
            "s.fn: unknown key; expected one of type, message, value",
        ])
        #expect(try check(#"{"type": "custom", "fn": "value > 1", "message": "big"}"#, "check") == [])
        #expect(try check(#"{"value": 1}"#, "check") == ["s.type: required field is missing"])
    }

    @Test func valuesUnderSecretLookingKeysAreNeverQuoted() throws {
        let shape = Shape.object([
            .optional("password", .text, "A password."), .optional("apiToken", .character, "A token."),
            .optional("port", .integer(1, 65535), "A port."),
        ])
        let found = try errors(#"{"password": 424242, "apiToken": "s3cr3t-value", "port": "5432x"}"#, shape)
        #expect(found == [
            "config.password: expected a string, found a number",
            "config.apiToken: expected exactly one character, found a string",
            "config.port: expected an integer from 1 to 65535, found '5432x'",
        ])
        #expect(!found.joined().contains("424242") && !found.joined().contains("s3cr3t"))
    }

    @Test func nearestNamesAreSlipsOfTheKeyboardOnly() {
        #expect(NearestName.suggestion(for: "transfroms", among: ["id", "name", "source", "transforms", "target"]) == "transforms")
        #expect(NearestName.suggestion(for: "trgt", among: ["id", "name", "source", "transforms", "target"]) == "target")
        #expect(NearestName.suggestion(for: "colour", among: ["path", "format"]) == nil)
        #expect(NearestName.suggestion(for: "ID", among: ["id", "name"]) == "id")
    }
}

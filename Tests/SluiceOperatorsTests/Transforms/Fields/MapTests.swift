import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct MapTests {
    @Test func outputHoldsExactlyTheMappedFieldsInMappingOrder() throws {
        let map = try make(Map.self, #"{"mapping": {"email_address": "email", "customer_id": "id", "customer_age": "age"}}"#)
        let input = try batch(
            #"[{"id": 1, "email": "a@b.c", "age": 30, "status": "x"}, {"id": 2, "email": null}]"#, positions: [4, 9])
        let out = try map.process(input)
        #expect(out.batch.fields == ["email_address", "customer_id", "customer_age"])
        #expect(text(out.batch) == #"[{"email_address":"a@b.c","customer_id":1,"customer_age":30},{"email_address":null,"customer_id":2}]"#)
        #expect(out.batch.positions == [4, 9])
        #expect(out.rejected.isEmpty)
    }

    @Test func missingSourceFieldIsAbsentAndSourcesMayRepeat() throws {
        let map = try make(Map.self, #"{"mapping": {"a": "id", "b": "id", "c": "nope"}}"#)
        let out = try map.process(try batch(#"[{"id": 1}, {"id": 2}]"#))
        #expect(text(out.batch) == #"[{"a":1,"b":1},{"a":2,"b":2}]"#)
        #expect(out.batch.fields == ["a", "b", "c"])
    }

    @Test func configErrors() throws {
        #expect(specError { _ = try make(Map.self, #"{"mapping": {}}"#) }?.message == #"mapping: mapping must name at least one field, as {"new_name": "old_name"}"#)
        #expect(specError { _ = try make(Map.self, #"{"mapping": {"a": "x", "b": 3}}"#) }?.message == "mapping.b: expected a string, found number")
        #expect(specError { _ = try make(Map.self, #"{}"#) }?.message == "mapping: required field is missing")
        #expect(specError { _ = try make(Map.self, #"{"mapping": ["a"]}"#) }?.message == "mapping: expected an object, found array")
    }

    @Test func lineageRenames() throws {
        let map = try make(Map.self, #"{"mapping": {"user_id": "id", "email": "email"}}"#)
        #expect(map.lineage(inputFields: ["id", "email", "x"]) == [
            FieldDerivation(output: "user_id", inputs: ["id"], how: "rename"),
            FieldDerivation(output: "email", inputs: ["email"], how: "copy"),
        ])
    }
}

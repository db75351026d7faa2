import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct ProjectionTests {
    @Test func selectKeepsNamedFieldsInConfiguredOrder() throws {
        let select = try make(SelectFields.self, #"{"fields": ["email", "id", "nope"]}"#)
        let out = try select.process(try batch(#"[{"id": 1, "email": "a@x", "pw": "s"}, {"id": 2, "pw": "t"}]"#, positions: [7, 9]))
        #expect(out.batch.fields == ["email", "id"])
        #expect(text(out.batch) == #"[{"email":"a@x","id":1},{"id":2}]"#)
        #expect(out.batch.positions == [7, 9])
        #expect(select.lineage(inputFields: ["id", "email", "pw"]) == [
            FieldDerivation(output: "email", inputs: ["email"], how: "copy"), FieldDerivation(output: "id", inputs: ["id"], how: "copy"),
        ])
        #expect(select.inputDemand(forOutput: .all) == .only(["email", "id", "nope"]))
        #expect(select.inputDemand(forOutput: .only(["id", "other"])) == .only(["id"]))
    }

    @Test func selectConfigErrors() throws {
        #expect(specError { _ = try make(SelectFields.self, #"{"fields": []}"#) }?.message == #"fields: expected at least one field name, as ["email"]"#)
        #expect(specError { _ = try make(SelectFields.self, #"{"fields": ["a", "b", "a"]}"#) }?.message == "fields[2]: duplicate field 'a'")
        #expect(specError { _ = try make(SelectFields.self, #"{"fields": ["a", ""]}"#) }?.message == "fields[1]: field names must not be empty")
        #expect(specError { _ = try make(SelectFields.self, #"{"fields": "a"}"#) }?.message == "fields: expected an array, found string")
    }

    @Test func removeDropsFieldsAndIgnoresMissingOnes() throws {
        let remove = try make(RemoveFields.self, #"{"fields": ["password", "ghost"]}"#)
        let out = try remove.process(try batch(#"[{"id": 1, "password": "x", "name": "A"}, {"id": 2, "name": null}]"#))
        #expect(text(out.batch) == #"[{"id":1,"name":"A"},{"id":2,"name":null}]"#)
        #expect(remove.lineage(inputFields: ["id", "password"]) == [FieldDerivation(output: "id", inputs: ["id"], how: "copy")])
        #expect(remove.inputDemand(forOutput: .only(["id"])) == .only(["id"]))
        #expect(remove.inputDemand(forOutput: .all) == .all)
    }

    @Test func renameKeepsPositionsAndSwaps() throws {
        let rename = try make(RenameFields.self, #"{"fields": {"a": "b", "b": "a", "c": "see"}}"#)
        let out = try rename.process(try batch(#"[{"a": 1, "b": 2, "c": 3, "d": 4}]"#))
        #expect(out.batch.fields == ["b", "a", "see", "d"])
        #expect(text(out.batch) == #"[{"b":1,"a":2,"see":3,"d":4}]"#)
        #expect(rename.inputDemand(forOutput: .only(["a", "see", "d", "c"])) == .only(["b", "c", "see", "d"]))
    }

    @Test func renameOntoAnExistingFieldLetsTheRenamedOneWinRowByRow() throws {
        let rename = try make(RenameFields.self, #"{"fields": {"old": "new"}}"#)
        let out = try rename.process(try batch(#"[{"new": "kept?", "old": 1}, {"new": "fallback"}, {"old": null, "new": "x"}]"#))
        #expect(out.batch.fields == ["new"])
        #expect(text(out.batch) == #"[{"new":1},{"new":"fallback"},{"new":null}]"#)
        #expect(rename.lineage(inputFields: ["new", "old"]) == [FieldDerivation(output: "new", inputs: ["old", "new"], how: "rename")])
        #expect(rename.inputDemand(forOutput: .only(["new"])) == .only(["old", "new"]))
        // Without the source field the existing one is untouched.
        #expect(text(try rename.process(try batch(#"[{"new": 5}]"#)).batch) == #"[{"new":5}]"#)
    }

    @Test func renameConfigErrors() throws {
        #expect(specError { _ = try make(RenameFields.self, #"{"fields": {}}"#) }?.message == #"fields: expected at least one rename, as {"old_name": "new_name"}"#)
        #expect(specError { _ = try make(RenameFields.self, #"{"fields": {"a": "x", "b": "x"}}"#) }?.message == "fields.b: 'a' is already renamed to 'x'")
        #expect(specError { _ = try make(RenameFields.self, #"{"fields": {"a": ""}}"#) }?.message == "fields.a: the new name must not be empty")
    }
}

import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct AddTests {
    @Test func computesFieldsInOrder() throws {
        let add = try make(Add.self, #"{"fields": {"total": "amount * quantity", "domain": "split_part(email, '@', 2)", "big": "total > 100", "amount": "amount * 2"}}"#)
        let input = try batch(
            #"[{"amount": 20, "quantity": 6, "email": "a@x.org"}, {"amount": 2.5, "quantity": 2, "email": null}, {"amount": null, "quantity": 1, "email": "no-at"}]"#,
            positions: [3, 4, 5])
        let out = try add.process(input)
        #expect(out.rejected.isEmpty)
        #expect(out.batch.fields == ["amount", "quantity", "email", "total", "domain", "big"])
        #expect(text(out.batch) == #"[{"amount":40,"quantity":6,"email":"a@x.org","total":120,"domain":"x.org","big":true},{"amount":5.0,"quantity":2,"email":null,"total":5.0,"domain":null,"big":false},{"amount":null,"quantity":1,"email":"no-at","total":null,"domain":"","big":null}]"#)
        #expect(out.batch.positions == [3, 4, 5])
    }

    @Test func rejectsFailedRowsWithTheReason() throws {
        let add = try make(Add.self, #"{"fields": {"ratio": "a / b", "n": "to_int(c)"}}"#)
        let input = try batch(#"[{"a": 1, "b": 0, "c": "x"}, {"a": 6, "b": 3, "c": "2"}, {"a": 1, "b": 1, "c": "y"}]"#, positions: [10, 11, 12])
        let out = try add.process(input)
        #expect(text(out.batch) == #"[{"a":6,"b":3,"c":"2","ratio":2.0,"n":2}]"#)
        #expect(out.batch.positions == [11])
        #expect(out.rejected == [
            Rejection(record: ["a": 1, "b": 0, "c": "x"], reasons: ["fields.ratio: division by zero", "fields.n: cannot convert 'x' to an integer"], position: 10, stage: "transform:add"),
            Rejection(record: ["a": 1, "b": 1, "c": "y"], reasons: ["fields.n: cannot convert 'y' to an integer"], position: 12, stage: "transform:add"),
        ])
    }

    @Test func onErrorNullKeepsTheRow() throws {
        let add = try make(Add.self, #"{"fields": {"ratio": "a / b"}, "onError": "null"}"#)
        let out = try add.process(try batch(#"[{"a": 1, "b": 0}, {"a": 6, "b": 4}]"#))
        #expect(out.rejected.isEmpty)
        #expect(text(out.batch) == #"[{"a":1,"b":0,"ratio":null},{"a":6,"b":4,"ratio":1.5}]"#)
    }

    @Test func configErrorsNameTheFieldAndDrawACaret() throws {
        let bad = specError { _ = try make(Add.self, #"{"fields": {"ok": "a + 1", "n": "lenght(name) > 3"}}"#) }
        #expect(bad?.path == "fields.n")
        #expect(bad?.reason == "unknown function 'lenght'; did you mean 'length'? at 1:1\n  lenght(name) > 3\n  ^")
        #expect(specError { _ = try make(Add.self, #"{"fields": {}}"#) }?.message == #"fields: fields must name at least one field, as {"total": "amount * quantity"}"#)
        #expect(specError { _ = try make(Add.self, #"{"fields": {"a": "1"}, "onError": "skip"}"#) }?.message == "onError: unknown onError 'skip'; expected reject or null")
        #expect(specError { _ = try make(Add.self, #"{"fields": {"a": 1}}"#) }?.message == "fields.a: expected a string, found number")
    }

    @Test func lineageAndDemand() throws {
        let add = try make(Add.self, #"{"fields": {"total": "amount * quantity", "score": "total + bonus", "amount": "round(amount, 1)", "city": "address.city"}}"#)
        #expect(add.lineage(inputFields: ["id", "amount", "quantity", "bonus", "address"]) == [
            FieldDerivation(output: "id", inputs: ["id"], how: "copy"),
            FieldDerivation(output: "quantity", inputs: ["quantity"], how: "copy"),
            FieldDerivation(output: "bonus", inputs: ["bonus"], how: "copy"),
            FieldDerivation(output: "address", inputs: ["address"], how: "copy"),
            FieldDerivation(output: "total", inputs: ["amount", "quantity"], how: "expression"),
            FieldDerivation(output: "score", inputs: ["amount", "quantity", "bonus"], how: "expression"),
            FieldDerivation(output: "amount", inputs: ["amount"], how: "expression"),
            FieldDerivation(output: "city", inputs: ["address"], how: "expression"),
        ])
        #expect(add.inputDemand(forOutput: .only(["id", "score"])) == .only(["id", "amount", "quantity", "bonus", "address", "address.city"]))
        #expect(add.inputDemand(forOutput: .all) == .all)
    }

    @Test func documentedExamplesHold() throws {
        for example in Add.declaration.examples {
            let add = try make(Add.self, example.config)
            let out = try add.process(try batch(example.input ?? "[]"))
            #expect(out.rejected.isEmpty, "\(example.title)")
            #expect(Value.array(out.batch.records.map { .object($0) }) == (try json(example.output ?? "[]")), "\(example.title)")
        }
    }
}

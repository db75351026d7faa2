import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct UnpivotTests {
    static let rows = #"""
        [{"id": 1, "q1": 10, "q2": null, "q3": 2.5, "note": "a"},
         {"id": 2, "q1": 5, "q3": "x"},
         {"id": 3, "q2": 7, "note": "c"}]
        """#

    @Test func dropsNullsByDefaultAndKeepsTheOtherFields() throws {
        let unpivot = try make(Unpivot.self, #"{"fields": ["q1", "q2", "q3"], "name": "quarter", "value": "sales"}"#)
        let out = try unpivot.process(try batch(Self.rows)).batch
        #expect(
            text(out)
                == #"[{"id":1,"note":"a","quarter":"q1","sales":10},{"id":1,"note":"a","quarter":"q3","sales":2.5},{"id":2,"quarter":"q1","sales":5},{"id":2,"quarter":"q3","sales":"x"},{"id":3,"note":"c","quarter":"q2","sales":7}]"#
        )
        #expect(out.positions == [1, 1, 2, 2, 3])
        #expect(text(try unpivot.process(valuesLayout(try batch(Self.rows))).batch) == text(out))
    }

    @Test func includeNullsKeepsEveryListedField() throws {
        let unpivot = try make(Unpivot.self, #"{"fields": ["q2", "q1"], "name": "q", "value": "v", "includeNulls": true}"#)
        let out = try unpivot.process(try batch(Self.rows)).batch
        #expect(
            text(out)
                == #"[{"id":1,"q3":2.5,"note":"a","q":"q2","v":null},{"id":1,"q3":2.5,"note":"a","q":"q1","v":10},{"id":2,"q3":"x","q":"q2","v":null},{"id":2,"q3":"x","q":"q1","v":5},{"id":3,"note":"c","q":"q2","v":7},{"id":3,"note":"c","q":"q1","v":null}]"#
        )
        #expect(out.positions == [1, 1, 2, 2, 3, 3])
        // A field the batch lacks entirely gives nulls (or nothing).
        let missing = try make(Unpivot.self, #"{"fields": ["zz"], "name": "n", "value": "id", "includeNulls": true}"#)
        #expect(text(try missing.process(try batch(#"[{"id": 1}]"#)).batch) == #"[{"n":"zz","id":null}]"#)
        let dropped = try make(Unpivot.self, #"{"fields": ["zz"], "name": "n", "value": "v"}"#)
        #expect(try dropped.process(try batch(#"[{"id": 1}]"#)).batch.isEmpty)
    }

    @Test func configErrorsDemandAndLineage() throws {
        func message(_ config: String) -> String? { specError { _ = try make(Unpivot.self, config) }?.message }
        #expect(message(#"{"fields": [], "name": "n", "value": "v"}"#) == #"fields: expected at least one field, as ["q1", "q2"]"#)
        #expect(message(#"{"fields": ["a", "a"], "name": "n", "value": "v"}"#) == "fields[1]: duplicate field 'a'")
        #expect(message(#"{"fields": ["a"], "name": "n", "value": "n"}"#) == "value: must differ from name ('n')")
        #expect(message(#"{"fields": ["a"], "name": "", "value": "v"}"#) == "name: must name the output field of the field names")
        #expect(message(#"{"fields": ["a"], "value": "v"}"#) == "name: required field is missing")
        let unpivot = try make(Unpivot.self, #"{"fields": ["q1", "q2"], "name": "n", "value": "v"}"#)
        #expect(unpivot.inputDemand(forOutput: .only(["id", "n", "v"])) == .only(["id", "q1", "q2"]))
        #expect(unpivot.inputDemand(forOutput: .all) == .all)
        #expect(unpivot.lineage(inputFields: ["id", "q1", "q2"]) == [
            FieldDerivation(output: "id", inputs: ["id"], how: "copy"), FieldDerivation(output: "n", inputs: [], how: "unpivot"),
            FieldDerivation(output: "v", inputs: ["q1", "q2"], how: "unpivot"),
        ])
    }
}

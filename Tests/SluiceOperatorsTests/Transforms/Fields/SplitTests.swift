import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct SplitTests {
    let names = #"{"field": "full_name", "delimiter": " ", "targetFields": ["first_name", "last_name"]}"#

    @Test func splitsIntoTargetsWithRemainderInTheLast() throws {
        let split = try make(Split.self, names)
        let input = try batch(
            #"[{"full_name": "Mary Ann Smith"}, {"full_name": "Bob"}, {"full_name": null}, {"id": 4}, {"full_name": "A  B"}, {"full_name": ""}]"#)
        for layout in [input, valuesLayout(input)] {
            let out = try split.process(layout)
            #expect(out.rejected.isEmpty)
            #expect(text(out.batch) == """
                [{"full_name":"Mary Ann Smith","first_name":"Mary","last_name":"Ann Smith"},\
                {"full_name":"Bob","first_name":"Bob","last_name":null},\
                {"full_name":null,"first_name":null,"last_name":null},\
                {"id":4,"first_name":null,"last_name":null},\
                {"full_name":"A  B","first_name":"A","last_name":" B"},\
                {"full_name":"","first_name":"","last_name":null}]
                """)
        }
    }

    @Test func multiByteDelimiterAndThreeTargets() throws {
        let split = try make(Split.self, #"{"field": "p", "delimiter": "→", "targetFields": ["a", "b", "c"]}"#)
        let out = try split.process(try batch(#"[{"p": "x→é→z→w"}, {"p": "x→y"}]"#))
        #expect(text(out.batch) == #"[{"p":"x→é→z→w","a":"x","b":"é","c":"z→w"},{"p":"x→y","a":"x","b":"y","c":null}]"#)
    }

    @Test func numbersAreSplitByTheirTextAndContainersAreRejected() throws {
        let split = try make(Split.self, #"{"field": "full_name", "delimiter": ".", "targetFields": ["i", "f"]}"#)
        let input = try batch(
            #"[{"full_name": 3.25}, {"full_name": {"a": 1}}, {"full_name": 7}, {"full_name": [1]}, {"full_name": true}]"#,
            positions: [11, 12, 13, 14, 15])
        let out = try split.process(input)
        #expect(text(out.batch) == #"[{"full_name":3.25,"i":"3","f":"25"},{"full_name":7,"i":"7","f":null},{"full_name":true,"i":"true","f":null}]"#)
        #expect(out.batch.positions == [11, 13, 15])
        #expect(out.rejected == [
            Rejection(record: ["full_name": ["a": 1]], reasons: ["Field full_name: cannot split a object"], position: 12, stage: "transform:split"),
            Rejection(record: ["full_name": [1]], reasons: ["Field full_name: cannot split a array"], position: 14, stage: "transform:split"),
        ])
    }

    @Test func targetMayReplaceTheSourceField() throws {
        let split = try make(Split.self, #"{"field": "d", "delimiter": "-", "targetFields": ["d", "rest"]}"#)
        let out = try split.process(try batch(#"[{"d": "2024-01-15"}]"#))
        #expect(text(out.batch) == #"[{"d":"2024","rest":"01-15"}]"#)
    }

    @Test func configErrors() throws {
        #expect(specError { _ = try make(Split.self, #"{"field": "a", "delimiter": "", "targetFields": ["x"]}"#) }?.message == "delimiter: delimiter must not be empty")
        #expect(specError { _ = try make(Split.self, #"{"field": "a", "delimiter": " ", "targetFields": []}"#) }?.message == "targetFields: targetFields must name at least one field")
        #expect(specError { _ = try make(Split.self, #"{"field": "a", "delimiter": " ", "targetFields": ["x", "y", "x"]}"#) }?.message == "targetFields[2]: duplicate field 'x'")
        #expect(specError { _ = try make(Split.self, #"{"field": "a", "targetFields": ["x"]}"#) }?.message == "delimiter: required field is missing")
    }

    @Test func lineage() throws {
        let split = try make(Split.self, names)
        #expect(split.lineage(inputFields: ["id", "full_name"]) == [
            FieldDerivation(output: "id", inputs: ["id"], how: "copy"),
            FieldDerivation(output: "full_name", inputs: ["full_name"], how: "copy"),
            FieldDerivation(output: "first_name", inputs: ["full_name"], how: "split"),
            FieldDerivation(output: "last_name", inputs: ["full_name"], how: "split"),
        ])
    }
}

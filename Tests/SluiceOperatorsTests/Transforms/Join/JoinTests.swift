import SluiceCore
import Testing

@testable import SluiceOperators

/// Joins `left` (JSON array) with `right` (JSON array) under the join config `config`, and
/// returns the output records as JSON and the output positions.
private func joined(_ config: String, left: String, right: String, layout: (RecordBatch) -> RecordBatch = { $0 }) throws
    -> (text: String, positions: [Int])
{
    let join = try make(Join.self, config)
    let prepared = try join.prepared(with: layout(try batch(right)))
    let result = try prepared.process(layout(try batch(left, positions: nil)))
    #expect(result.rejected.isEmpty)
    return (text(result.batch), result.batch.positions)
}

private let with = #""with": {"type": "file", "config": {"path": "customers.csv"}}"#

@Suite struct JoinTests {
    static let customers = #"""
        [{"customer_id": 1, "segment": "retail", "country": "DE"},
         {"customer_id": 2, "segment": "smb", "country": "FR"},
         {"customer_id": 3, "segment": "enterprise", "country": "US"}]
        """#
    static let orders = #"""
        [{"id": 10, "customer_id": 2, "amount": 5.5},
         {"id": 11, "customer_id": 9, "amount": 1},
         {"id": 12, "customer_id": 1, "amount": 7}]
        """#

    @Test func leftJoinAddsAllLookupFieldsButTheKeyAndKeepsUnmatchedRowsWithNulls() throws {
        let out = try joined("{\(with), \"on\": \"customer_id\"}", left: Self.orders, right: Self.customers)
        #expect(
            out.text
                == #"[{"id":10,"customer_id":2,"amount":5.5,"segment":"smb","country":"FR"},{"id":11,"customer_id":9,"amount":1,"segment":null,"country":null},{"id":12,"customer_id":1,"amount":7,"segment":"retail","country":"DE"}]"#
        )
        #expect(out.positions == [1, 2, 3])
    }

    @Test func innerJoinDropsUnmatchedRowsAndKeepsPositionsAndOrder() throws {
        let out = try joined(
            "{\(with), \"on\": \"customer_id\", \"type\": \"inner\", \"fields\": [\"country\"]}", left: Self.orders, right: Self.customers)
        #expect(out.text == #"[{"id":10,"customer_id":2,"amount":5.5,"country":"FR"},{"id":12,"customer_id":1,"amount":7,"country":"DE"}]"#)
        #expect(out.positions == [1, 3])
    }

    @Test func requestedFieldsComeInTheGivenOrder() throws {
        let out = try joined(
            "{\(with), \"on\": \"customer_id\", \"fields\": [\"country\", \"segment\"]}", left: #"[{"customer_id": 3}]"#,
            right: Self.customers)
        #expect(out.text == #"[{"customer_id":3,"country":"US","segment":"enterprise"}]"#)
    }

    @Test func duplicateLookupKeysFanOutInLookupOrder() throws {
        let right = #"""
            [{"k": 1, "v": "a"}, {"k": 2, "v": "b"}, {"k": 1, "v": "c"}, {"k": 1, "v": "d"}]
            """#
        let left = #"[{"id": 1, "k": 1}, {"id": 2, "k": 3}, {"id": 3, "k": 2}]"#
        let leftJoin = try joined("{\(with), \"on\": \"k\"}", left: left, right: right)
        #expect(
            leftJoin.text
                == #"[{"id":1,"k":1,"v":"a"},{"id":1,"k":1,"v":"c"},{"id":1,"k":1,"v":"d"},{"id":2,"k":3,"v":null},{"id":3,"k":2,"v":"b"}]"#
        )
        #expect(leftJoin.positions == [1, 1, 1, 2, 3])
        let inner = try joined("{\(with), \"on\": \"k\", \"type\": \"inner\"}", left: left, right: right)
        #expect(inner.text == #"[{"id":1,"k":1,"v":"a"},{"id":1,"k":1,"v":"c"},{"id":1,"k":1,"v":"d"},{"id":3,"k":2,"v":"b"}]"#)
        #expect(inner.positions == [1, 1, 1, 3])
        // A field the record lacks stays absent (not null) on every row it fans out to.
        let absent = try joined("{\(with), \"on\": \"k\"}", left: #"[{"k": 1, "x": 5}, {"k": 1}, {"k": 2, "x": null}]"#, right: right)
        #expect(absent.text == #"[{"k":1,"x":5,"v":"a"},{"k":1,"x":5,"v":"c"},{"k":1,"x":5,"v":"d"},{"k":1,"v":"a"},{"k":1,"v":"c"},{"k":1,"v":"d"},{"k":2,"x":null,"v":"b"}]"#)
    }

    @Test func nullAndMissingKeysNeverMatchNotEvenNullLookupKeys() throws {
        let right = #"[{"k": null, "v": "null-key"}, {"v": "no-key"}, {"k": 1, "v": "one"}]"#
        let left = #"[{"id": 1, "k": null}, {"id": 2}, {"id": 3, "k": 1}]"#
        let out = try joined("{\(with), \"on\": \"k\"}", left: left, right: right)
        #expect(out.text == #"[{"id":1,"k":null,"v":null},{"id":2,"v":null},{"id":3,"k":1,"v":"one"}]"#)
        let inner = try joined("{\(with), \"on\": \"k\", \"type\": \"inner\"}", left: left, right: right)
        #expect(inner.text == #"[{"id":3,"k":1,"v":"one"}]"#)
    }

    @Test func numbersMatchByValueButNumericTextDoesNotMatchNumbers() throws {
        // Left keys are doubles (1.0 and 2.5 equal the lookup's 1 and 2.5), then text.
        let right = #"[{"k": 1, "v": "int one"}, {"k": 2.5, "v": "two and a half"}, {"k": "7", "v": "text seven"}]"#
        let doubles = try joined(
            "{\(with), \"on\": \"k\"}", left: #"[{"k": 1.0}, {"k": 2.5}, {"k": 7.0}, {"k": -0.0}]"#, right: right)
        #expect(doubles.text == #"[{"k":1.0,"v":"int one"},{"k":2.5,"v":"two and a half"},{"k":7.0,"v":null},{"k":-0.0,"v":null}]"#)
        let texts = try joined("{\(with), \"on\": \"k\"}", left: #"[{"k": "1"}, {"k": "7"}, {"k": "2.5"}]"#, right: right)
        #expect(texts.text == #"[{"k":"1","v":null},{"k":"7","v":"text seven"},{"k":"2.5","v":null}]"#)
        let ints = try joined("{\(with), \"on\": \"k\"}", left: #"[{"k": 7}, {"k": 1}, {"k": 0}]"#, right: #"[{"k": 0.0, "v": "zero"}, {"k": 1.0, "v": "one"}]"#)
        #expect(ints.text == #"[{"k":7,"v":null},{"k":1,"v":"one"},{"k":0,"v":"zero"}]"#)
    }

    @Test func textKeysMatchByBytesAndBooleansByValue() throws {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are equal Swift strings but
        // different bytes; keys compare by bytes, as DuckDB does.
        let right = #"[{"k": "\u00e9", "v": "composed"}, {"k": "e\u0301", "v": "decomposed"}, {"k": true, "v": "yes"}, {"k": "", "v": "empty"}]"#
        let left = #"[{"k": "e\u0301"}, {"k": "\u00e9"}, {"k": true}, {"k": ""}, {"k": "x"}, {"k": 1}]"#
        let out = try joined("{\(with), \"on\": \"k\", \"fields\": [\"v\"]}", left: left, right: right)
        #expect(out.text.hasSuffix(#""v":"empty"},{"k":"x","v":null},{"k":1,"v":null}]"#))
        let values = try make(Join.self, "{\(with), \"on\": \"k\"}").prepared(with: try batch(right)).process(try batch(left)).batch
        #expect((0..<6).map { values.columns[1].value(at: $0) } == ["decomposed", "composed", "yes", "empty", nil, nil])
    }

    @Test func differentKeyNamesAndNameCollisionsGetARightSuffix() throws {
        let right = #"[{"customer_id": 1, "name": "Ada", "id": 100, "name_right": "x"}]"#
        let left = #"[{"id": 7, "cust": 1, "name": "order seven", "name_right": "taken"}]"#
        let out = try joined(#"{\#(with), "on": {"left": "cust", "right": "customer_id"}}"#, left: left, right: right)
        #expect(
            out.text
                == #"[{"id":7,"cust":1,"name":"order seven","name_right":"taken","name_right_right":"Ada","id_right":100,"name_right_right_right":"x"}]"#
        )
    }

    @Test func matchedLookupRowsWithoutAFieldGiveNull() throws {
        let out = try joined("{\(with), \"on\": \"k\", \"fields\": [\"v\"]}", left: #"[{"k": 1}, {"k": 2}]"#, right: #"[{"k": 1}, {"k": 2, "v": 5}]"#)
        #expect(out.text == #"[{"k":1,"v":null},{"k":2,"v":5}]"#)
    }

    @Test func aBatchWithoutTheKeyFieldMatchesNothing() throws {
        let left = try joined("{\(with), \"on\": \"customer_id\"}", left: #"[{"id": 1}]"#, right: Self.customers)
        #expect(left.text == #"[{"id":1,"segment":null,"country":null}]"#)
        let inner = try joined("{\(with), \"on\": \"customer_id\", \"type\": \"inner\"}", left: #"[{"id": 1}]"#, right: Self.customers)
        #expect(inner.text == "[]")
    }

    @Test func typedAndGeneralLayoutsAgree() throws {
        let right = #"""
            [{"k": 1, "v": "a", "n": 1.5}, {"k": 2, "v": null, "n": 2}, {"k": 1, "v": "c", "n": null},
             {"k": null, "v": "z", "n": 0}, {"k": 1000000000000, "v": "big", "n": 3}]
            """#
        let left = #"[{"k": 1}, {"k": null}, {"k": 2}, {"k": 1000000000000}, {"k": 3}, {"k": 2}]"#
        for type in ["left", "inner"] {
            let config = "{\(with), \"on\": \"k\", \"type\": \"\(type)\"}"
            let typed = try joined(config, left: left, right: right)
            let general = try joined(config, left: left, right: right, layout: valuesLayout)
            #expect(typed.text == general.text)
            #expect(typed.positions == general.positions)
        }
        let typed = try joined("{\(with), \"on\": \"k\"}", left: left, right: right)
        #expect(
            typed.text
                == #"[{"k":1,"v":"a","n":1.5},{"k":1,"v":"c","n":null},{"k":null,"v":null,"n":null},{"k":2,"v":null,"n":2},{"k":1000000000000,"v":"big","n":3},{"k":3,"v":null,"n":null},{"k":2,"v":null,"n":2}]"#
        )
    }

    @Test func sparseAndNegativeIntegerKeysUseTheHashedIndex() throws {
        let keys = (0..<500).map { $0 * 1_000_000_007 - 250_000_000_000 }
        let right = RecordBatch(
            fields: ["k", "v"], columns: [Column(storage: .ints(keys)), Column(storage: .ints(keys.indices.map { $0 }))],
            positions: Array(keys.indices))
        let probe = keys.reversed() + [1, -1, Int.max, Int.min]
        let left = RecordBatch(fields: ["k"], columns: [Column(storage: .ints(probe))], positions: Array(probe.indices))
        let out = try make(Join.self, "{\(with), \"on\": \"k\"}").prepared(with: right).process(left).batch
        #expect(out.columns[1].count == 504)
        #expect((0..<504).map { out.columns[1].value(at: $0) } == (0..<500).reversed().map { Value.int($0) } + [.null, .null, .null, .null])
    }

    @Test func anEmptyLookupAddsTheRequestedFieldsAsNulls() throws {
        let join = try make(Join.self, "{\(with), \"on\": \"k\", \"fields\": [\"v\"]}")
        let out = try join.prepared(with: .empty).process(try batch(#"[{"k": 1}]"#)).batch
        #expect(text(out) == #"[{"k":1,"v":null}]"#)
        let defaults = try make(Join.self, "{\(with), \"on\": \"k\"}").prepared(with: .empty).process(try batch(#"[{"k": 1}]"#)).batch
        #expect(text(defaults) == #"[{"k":1}]"#)
        let fromConfig = try make(PreparedJoin.self, "{\(with), \"on\": \"k\", \"fields\": [\"v\"], \"type\": \"inner\"}")
        #expect(text(try fromConfig.process(try batch(#"[{"k": 1}]"#)).batch) == "[]")
    }

    @Test func configDecodesEveryForm() throws {
        let join = try make(Join.self, #"{\#(with), "on": {"left": "a", "right": "b"}, "type": "inner", "fields": ["x"]}"#)
        #expect(join.keys == JoinKeys(left: "a", right: "b"))
        #expect(join.kind == .inner)
        #expect(join.fields == ["x"])
        #expect(join.lookupSource == SourceSpec(type: "file", config: try json(#"{"path": "customers.csv"}"#)))
        let defaults = try make(Join.self, "{\(with), \"on\": \"k\"}")
        #expect(defaults.keys == JoinKeys("k"))
        #expect(defaults.keys == JoinKeys(left: "k", right: "k"))
        #expect(defaults.kind == .left)
        #expect(defaults.fields == nil)
    }

    @Test func configErrorsNameThePathAndWhatWasExpected() {
        func message(_ config: String) -> String? { specError { _ = try make(Join.self, config) }?.message }
        #expect(message("{\(with), \"on\": 5}") == #"on: expected a field name, {"left", "right"}, or a non-empty array of them"#)
        #expect(message("{\(with), \"on\": {\"left\": \"a\"}}") == #"on: expected a field name, {"left", "right"}, or a non-empty array of them"#)
        #expect(message("{\(with), \"on\": \"\"}") == #"on: expected a field name, {"left", "right"}, or a non-empty array of them"#)
        #expect(message("{\(with)}") == "on: required field is missing")
        #expect(message("{\"on\": \"k\"}") == "with: required field is missing")
        #expect(message("{\"with\": {\"config\": {}}, \"on\": \"k\"}") == "with.type: required field is missing")
        #expect(message("{\(with), \"on\": \"k\", \"type\": \"outer\"}") == "type: unknown join type 'outer'; expected inner, left, right or full")
        #expect(message("{\(with), \"on\": \"k\", \"fields\": []}") == "fields: must not be empty when given")
        #expect(message("{\(with), \"on\": \"k\", \"fields\": [\"a\", \"b\", \"a\"]}") == "fields[2]: duplicate field 'a'")
        #expect(message("{\(with), \"on\": \"k\", \"fields\": [\"a\", \"\"]}") == "fields[1]: must name a field")
    }

    @Test func lookupDataWithoutTheKeyOrARequestedFieldIsAnError() throws {
        let right = try batch(#"[{"id": 1, "v": 2}]"#)
        func message(_ config: String) throws -> String? {
            let join = try make(Join.self, config)
            return specError { _ = try join.prepared(with: right) }?.message
        }
        #expect(try message("{\(with), \"on\": \"k\"}") == "on: the lookup data has no field 'k'; it has 'id', 'v'")
        #expect(try message(#"{\#(with), "on": {"left": "k", "right": "key"}}"#) == "on.right: the lookup data has no field 'key'; it has 'id', 'v'")
        #expect(try message("{\(with), \"on\": \"id\", \"fields\": [\"v\", \"w\"]}") == "fields[1]: the lookup data has no field 'w'; it has 'id', 'v'")
    }

    @Test func lineageCopiesTheRecordAndJoinsTheLookupFields() throws {
        let join = try make(Join.self, "{\(with), \"on\": \"customer_id\", \"fields\": [\"segment\", \"id\"]}")
        let expected = [
            FieldDerivation(output: "id", inputs: ["id"], how: "copy"),
            FieldDerivation(output: "customer_id", inputs: ["customer_id"], how: "copy"),
            FieldDerivation(output: "segment", inputs: ["segment"], how: "join"),
            FieldDerivation(output: "id_right", inputs: ["id"], how: "join"),
        ]
        #expect(join.lineage(inputFields: ["id", "customer_id"]) == expected)
        let defaults = try make(Join.self, "{\(with), \"on\": \"customer_id\"}")
        #expect(defaults.lineage(inputFields: ["id"]) == [FieldDerivation(output: "id", inputs: ["id"], how: "copy")])
        let prepared = try defaults.prepared(with: try batch(Self.customers))
        #expect(
            prepared.lineage(inputFields: ["id"]) == [
                FieldDerivation(output: "id", inputs: ["id"], how: "copy"),
                FieldDerivation(output: "segment", inputs: ["segment"], how: "join"),
                FieldDerivation(output: "country", inputs: ["country"], how: "join"),
            ])
    }
}

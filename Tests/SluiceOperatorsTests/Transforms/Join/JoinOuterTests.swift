import SluiceCore
import Testing

@testable import SluiceOperators

private let with = #""with": {"type": "file", "config": {"path": "customers.csv"}}"#

/// Runs `config`'s join of `left` (JSON arrays, one per batch) with `right` as the engine
/// runs it, and returns the output records as JSON and the output positions.
private func outer(_ config: String, left: [String], right: String, layout: (RecordBatch) -> RecordBatch = { $0 }) throws
    -> (text: String, positions: [Int])
{
    let join = try make(Join.self, config)
    var start = 1
    let batches = try left.map { json -> RecordBatch in
        let b = layout(try batch(json))
        defer { start += b.count }
        return RecordBatch(fields: b.fields, columns: b.columns, positions: Array(start..<(start + b.count)))
    }
    let lookup = layout(try batch(right, positions: nil))
    switch try join.preparedTransform(with: lookup) {
    case .stateful(let prepared):
        let out = try runStateful(prepared, batches)
        return (text(out), out.positions)
    case .stateless(let prepared):
        let out = RecordBatch.concatenate(try batches.map { try prepared.process($0).batch })
        return (text(out), out.positions)
    }
}

@Suite struct JoinOuterTests {
    static let customers = #"""
        [{"customer_id": 1, "segment": "retail"}, {"customer_id": 2, "segment": "smb"},
         {"customer_id": 3, "segment": "enterprise"}, {"customer_id": null, "segment": "orphan"},
         {"customer_id": 2, "segment": "smb-2"}]
        """#

    @Test func rightJoinEmitsUnmatchedLookupRecordsAtTheEndWithTheirKey() throws {
        let out = try outer(
            "{\(with), \"on\": \"customer_id\", \"type\": \"right\"}",
            left: [#"[{"id": 10, "customer_id": 2}, {"id": 11, "customer_id": 9}]"#, #"[{"id": 12, "customer_id": null}, {"id": 13}]"#],
            right: Self.customers)
        #expect(
            out.text
                == #"[{"id":10,"customer_id":2,"segment":"smb"},{"id":10,"customer_id":2,"segment":"smb-2"},{"id":null,"customer_id":1,"segment":"retail"},{"id":null,"customer_id":3,"segment":"enterprise"},{"id":null,"customer_id":null,"segment":"orphan"}]"#
        )
        // Matched records keep theirs; unmatched lookup records carry their lookup positions.
        #expect(out.positions == [1, 1, 1, 3, 4])
    }

    @Test func fullJoinKeepsBothSidesUnmatched() throws {
        let out = try outer(
            "{\(with), \"on\": \"customer_id\", \"type\": \"full\"}",
            left: [#"[{"id": 10, "customer_id": 2}, {"id": 11, "customer_id": 9}]"#, #"[{"id": 12, "customer_id": null}]"#],
            right: Self.customers)
        #expect(
            out.text
                == #"[{"id":10,"customer_id":2,"segment":"smb"},{"id":10,"customer_id":2,"segment":"smb-2"},{"id":11,"customer_id":9,"segment":null},{"id":12,"customer_id":null,"segment":null},{"id":null,"customer_id":1,"segment":"retail"},{"id":null,"customer_id":3,"segment":"enterprise"},{"id":null,"customer_id":null,"segment":"orphan"}]"#
        )
        #expect(out.positions == [1, 1, 2, 3, 1, 3, 4])
        // Every lookup record matched: nothing more at the end.
        let all = try outer(
            "{\(with), \"on\": \"customer_id\", \"type\": \"full\"}", left: [#"[{"customer_id": 1}, {"customer_id": 2}, {"customer_id": 3}]"#],
            right: #"[{"customer_id": 1, "s": "a"}, {"customer_id": 2, "s": "b"}, {"customer_id": 3, "s": "c"}]"#)
        #expect(all.text == #"[{"customer_id":1,"s":"a"},{"customer_id":2,"s":"b"},{"customer_id":3,"s":"c"}]"#)
    }

    @Test func outerJoinsWithDifferentKeyNamesAndNoInput() throws {
        let right = #"[{"id": 1, "name": "Ada"}, {"id": 2, "name": "Bo"}]"#
        let out = try outer(#"{\#(with), "on": {"left": "cust", "right": "id"}, "type": "right"}"#, left: [#"[{"cust": 2, "x": true}]"#], right: right)
        #expect(out.text == #"[{"cust":2,"x":true,"name":"Bo"},{"cust":1,"x":null,"name":"Ada"}]"#)
        // No records at all: the lookup records with the left key fields only.
        let empty = try outer(#"{\#(with), "on": {"left": "cust", "right": "id"}, "type": "full"}"#, left: [], right: right)
        #expect(empty.text == #"[{"cust":1,"name":"Ada"},{"cust":2,"name":"Bo"}]"#)
        #expect(empty.positions == [1, 2])
    }

    @Test func severalKeyFieldsMatchOnAllOfThemAndNullsNeverMatch() throws {
        let right = #"""
            [{"cid": 1, "region": "eu", "v": "a"}, {"cid": 1, "region": "us", "v": "b"}, {"cid": 2, "region": "eu", "v": "c"},
             {"cid": 1, "region": null, "v": "n"}, {"cid": "1", "region": "eu", "v": "text"}, {"cid": 1, "region": "eu", "v": "a2"}]
            """#
        let left = #"[{"cid": 1, "region": "eu"}, {"cid": 1.0, "region": "us"}, {"cid": 1, "region": null}, {"region": "eu"}, {"cid": 2, "region": "us"}]"#
        for layout in [{ (b: RecordBatch) in b }, valuesLayout] {
            let inner = try outer("{\(with), \"on\": [\"cid\", \"region\"], \"type\": \"inner\"}", left: [left], right: right, layout: layout)
            #expect(inner.text == #"[{"cid":1,"region":"eu","v":"a"},{"cid":1,"region":"eu","v":"a2"},{"cid":1.0,"region":"us","v":"b"}]"#)
            #expect(inner.positions == [1, 1, 2])
            let full = try outer("{\(with), \"on\": [\"cid\", \"region\"], \"type\": \"full\"}", left: [left], right: right, layout: layout)
            #expect(
                full.text
                    == #"[{"cid":1,"region":"eu","v":"a"},{"cid":1,"region":"eu","v":"a2"},{"cid":1.0,"region":"us","v":"b"},{"cid":1,"region":null,"v":null},{"region":"eu","v":null},{"cid":2,"region":"us","v":null},{"cid":2,"region":"eu","v":"c"},{"cid":1,"region":null,"v":"n"},{"cid":"1","region":"eu","v":"text"}]"#
            )
        }
        // Pairs with different names, mixed with a shared name.
        let pairs = try outer(
            #"{\#(with), "on": [{"left": "c", "right": "cid"}, "region"], "fields": ["v"], "type": "left"}"#,
            left: [#"[{"c": 2, "region": "eu"}, {"c": 2, "region": "us"}]"#], right: right)
        #expect(pairs.text == #"[{"c":2,"region":"eu","v":"c"},{"c":2,"region":"us","v":null}]"#)
    }

    @Test func aPrefixRenamesClashingAddedFields() throws {
        let right = #"[{"k": 1, "name": "Ada", "id": 100, "c_name": "x"}]"#
        let left = #"[{"id": 7, "k": 1, "name": "order seven", "c_name": "taken"}]"#
        let out = try outer(#"{\#(with), "on": "k", "prefix": "c_"}"#, left: [left], right: right)
        #expect(out.text == #"[{"id":7,"k":1,"name":"order seven","c_name":"taken","c_c_name":"Ada","c_id":100,"c_c_c_name":"x"}]"#)
        let join = try make(Join.self, #"{\#(with), "on": "k", "prefix": "c_", "fields": ["name", "id"]}"#)
        #expect(join.lineage(inputFields: ["id", "name"]).map(\.output) == ["id", "name", "c_name", "c_id"])
    }

    @Test func inputDemandStripsThePrefixOrSuffixAndAddsEveryLeftKey() throws {
        let suffix = try make(Join.self, #"{\#(with), "on": [{"left": "a", "right": "x"}, "b"]}"#)
        #expect(suffix.inputDemand(forOutput: .only(["seg_right_right", "total"])) == .only(["seg_right_right", "seg_right", "seg", "total", "a", "b"]))
        #expect(suffix.inputDemand(forOutput: .all) == .all)
        let prefix = try make(Join.self, #"{\#(with), "on": "k", "prefix": "c_"}"#)
        #expect(prefix.inputDemand(forOutput: .only(["c_c_seg", "seg_right"])) == .only(["c_c_seg", "c_seg", "seg", "seg_right", "k"]))
        // The default keeps what the projection planner relies on.
        let single = try make(Join.self, #"{\#(with), "on": "customer_id", "type": "inner"}"#)
        #expect(single.inputDemand(forOutput: .only(["segment_right", "total"])) == .only(["segment_right", "segment", "customer_id", "total"]))
    }

    @Test func preparationFormsAndLineage() throws {
        let lookup = try batch(Self.customers)
        for type in ["inner", "left"] {
            let join = try make(Join.self, "{\(with), \"on\": \"customer_id\", \"type\": \"\(type)\"}")
            guard case .stateless = try join.preparedTransform(with: lookup) else {
                Issue.record("\(type) joins are stateless")
                continue
            }
            #expect(throws: Never.self) { _ = try join.prepared(with: lookup) }
        }
        for type in ["right", "full"] {
            let join = try make(Join.self, "{\(with), \"on\": \"customer_id\", \"type\": \"\(type)\"}")
            guard case .stateful(let prepared) = try join.preparedTransform(with: lookup) else {
                Issue.record("\(type) joins are stateful")
                continue
            }
            #expect(specError { _ = try join.prepared(with: lookup) }?.message
                == "type: a \(type) join keeps state across batches; the engine must prepare it with preparedTransform(with:)")
            #expect(prepared.lineage(inputFields: ["id", "customer_id"]) == [
                FieldDerivation(output: "id", inputs: ["id"], how: "copy"),
                FieldDerivation(output: "customer_id", inputs: ["customer_id"], how: "join key"),
                FieldDerivation(output: "segment", inputs: ["segment"], how: "join"),
            ])
            #expect(prepared.estimatedBytes(of: prepared.makeState()) >= 5)
        }
        let pair = try make(Join.self, #"{\#(with), "on": {"left": "cust", "right": "id"}, "type": "full", "fields": ["seg"]}"#)
        #expect(pair.lineage(inputFields: ["cust", "x"]) == [
            FieldDerivation(output: "cust", inputs: ["cust", "id"], how: "join key"), FieldDerivation(output: "x", inputs: ["x"], how: "copy"),
            FieldDerivation(output: "seg", inputs: ["seg"], how: "join"),
        ])
    }

    @Test func configDecodesSeveralKeysAndChecksThem() throws {
        let names = try make(Join.self, #"{\#(with), "on": ["a", "b"]}"#)
        #expect(names.keys.leftFields == ["a", "b"])
        #expect(names.keys.rightFields == ["a", "b"])
        #expect(names.keys == JoinKeys(["a", "b"]))
        let pairs = try make(Join.self, #"{\#(with), "on": [{"left": "a", "right": "x"}, "b"], "type": "full", "prefix": "r_"}"#)
        #expect(pairs.keys.pairs == [JoinKeys.Pair(left: "a", right: "x"), JoinKeys.Pair(left: "b", right: "b")])
        #expect(pairs.kind == .full)
        #expect(pairs.prefix == "r_")
        #expect(try make(Join.self, #"{\#(with), "on": ["a"]}"#).keys == JoinKeys("a"))
        func message(_ config: String) -> String? { specError { _ = try make(Join.self, config) }?.message }
        #expect(message(#"{\#(with), "on": []}"#) == #"on: expected a field name, {"left", "right"}, or a non-empty array of them"#)
        #expect(message(#"{\#(with), "on": ["a", 5]}"#) == #"on[1]: expected a field name or {"left", "right"}"#)
        #expect(message(#"{\#(with), "on": ["a", {"left": "b"}]}"#) == #"on[1]: expected a field name or {"left", "right"}"#)
        #expect(message(#"{\#(with), "on": ["a", {"left": "a", "right": "b"}]}"#) == "on[1]: duplicate left key field 'a'")
        #expect(message(#"{\#(with), "on": [{"left": "a", "right": "b"}, {"left": "c", "right": "b"}]}"#) == "on[1]: duplicate right key field 'b'")
        #expect(message(#"{\#(with), "on": "k", "prefix": ""}"#) == "prefix: must not be empty when given (leave it out for the _right suffix)")
        // Errors about the lookup data name each right key's own path.
        let right = try batch(#"[{"a": 1, "b": 2}]"#)
        func lookupMessage(_ config: String) throws -> String? {
            let join = try make(Join.self, config)
            return specError { _ = try join.preparedTransform(with: right) }?.message
        }
        #expect(try lookupMessage(#"{\#(with), "on": ["a", "z"]}"#) == "on[1]: the lookup data has no field 'z'; it has 'a', 'b'")
        #expect(try lookupMessage(#"{\#(with), "on": ["a", {"left": "q", "right": "y"}], "type": "right"}"#) == "on[1].right: the lookup data has no field 'y'; it has 'a', 'b'")
    }
}

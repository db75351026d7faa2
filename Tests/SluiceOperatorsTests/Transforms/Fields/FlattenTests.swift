import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct FlattenTests {
    @Test func flattensNestedObjectsInPlace() throws {
        let flatten = try make(FlattenRecords.self, "{}")
        let input = try batch(
            """
            [{"id": 1, "user": {"name": "A", "address": {"city": "Lima", "zip": "15001"}}, "tags": ["x", "y"], "z": 0},
             {"id": 2, "user": {"name": "B", "phone": "555"}, "tags": [], "z": 1},
             {"id": 3, "user": null, "z": 2},
             {"id": 4, "user": {}, "z": 3}]
            """, positions: [5, 6, 7, 8])
        let out = try flatten.process(input)
        #expect(out.batch.fields == ["id", "user.name", "user.address.city", "user.address.zip", "user.phone", "user", "tags", "z"])
        #expect(text(out.batch) == #"[{"id":1,"user.name":"A","user.address.city":"Lima","user.address.zip":"15001","tags":["x","y"],"z":0},{"id":2,"user.name":"B","user.phone":"555","tags":[],"z":1},{"id":3,"user":null,"z":2},{"id":4,"user":{},"z":3}]"#)
        #expect(out.batch.positions == [5, 6, 7, 8])
    }

    @Test func depthAndSeparator() throws {
        let flatten = try make(FlattenRecords.self, #"{"separator": "_", "depth": 1}"#)
        let out = try flatten.process(try batch(#"[{"a": {"b": {"c": 1}, "d": 2}}]"#))
        #expect(text(out.batch) == #"[{"a_b":{"c":1},"a_d":2}]"#)
    }

    @Test func joinsArrays() throws {
        let flatten = try make(FlattenRecords.self, #"{"arrays": "join", "joinWith": "|"}"#)
        let out = try flatten.process(try batch(#"[{"tags": ["a", 1, null, 2.5, {"k": true}]}, {"tags": []}, {"o": {"l": [true, false]}}]"#))
        #expect(text(out.batch) == #"[{"tags":"a|1||2.5|{\"k\":true}"},{"tags":""},{"o.l":"true|false"}]"#)
    }

    @Test func explodesArraysZippedKeepingPositions() throws {
        let flatten = try make(FlattenRecords.self, #"{"arrays": "explode"}"#)
        let input = try batch(
            """
            [{"id": 1, "items": [{"sku": "a", "n": 2}, {"sku": "b"}], "codes": [7, 8, 9]},
             {"id": 2, "items": [], "codes": []},
             {"id": 3, "items": [{"sku": "c", "n": 1}]}]
            """, positions: [10, 20, 30])
        let out = try flatten.process(input)
        #expect(text(out.batch) == #"[{"id":1,"items.sku":"a","items.n":2,"codes":7},{"id":1,"items.sku":"b","codes":8},{"id":1,"items":null,"codes":9},{"id":2,"items":null,"codes":null},{"id":3,"items.sku":"c","items.n":1}]"#)
        #expect(out.batch.positions == [10, 10, 10, 20, 30])
    }

    @Test func clashingKeysRejectTheRecord() throws {
        let flatten = try make(FlattenRecords.self, "{}")
        let out = try flatten.process(try batch(#"[{"a": {"b": 1}, "a.b": 2}, {"a": {"c": 3}, "a.b": 4}]"#, positions: [1, 2]))
        #expect(text(out.batch) == #"[{"a.b":4,"a.c":3}]"#)
        #expect(out.batch.positions == [2])
        #expect(out.rejected.map(\.reasons) == [["Field a.b: flattening gives this field more than one value"]])
        #expect(out.rejected.first?.position == 1)
        #expect(out.rejected.first?.stage == "transform:flatten")
    }

    @Test func flatBatchesPassUntouched() throws {
        let flatten = try make(FlattenRecords.self, "{}")
        let input = try batch(#"[{"a": 1, "b": "x", "c": [1]}]"#)
        #expect(text(try flatten.process(input).batch) == #"[{"a":1,"b":"x","c":[1]}]"#)
    }

    @Test func flattenConfigErrors() throws {
        #expect(specError { _ = try make(FlattenRecords.self, #"{"depth": 0}"#) }?.message == "depth: expected a depth of at least 1, found 0")
        #expect(specError { _ = try make(FlattenRecords.self, #"{"arrays": "split"}"#) }?.message == "arrays: expected one of keep, join, explode, found 'split'")
        #expect(specError { _ = try make(FlattenRecords.self, #"{"separator": ""}"#) }?.message == "separator: the separator must not be empty")
    }

    @Test func unflattenNestsDottedKeys() throws {
        let unflatten = try make(UnflattenRecords.self, "{}")
        let input = try batch(
            """
            [{"id": 1, "user.name": "A", "user.address.city": "Lima", "x..y": 1, "user.phone": null},
             {"id": 2, "user": null, "user.name": "B"},
             {"id": 3, "user": "plain"},
             {"id": 4}]
            """)
        let out = try unflatten.process(input)
        #expect(out.batch.fields == ["id", "user", "x..y"])
        #expect(text(out.batch) == #"[{"id":1,"user":{"name":"A","address":{"city":"Lima"},"phone":null},"x..y":1},{"id":2,"user":{"name":"B"}},{"id":3,"user":"plain"},{"id":4}]"#)
        #expect(unflatten.lineage(inputFields: ["id", "user.name", "user.phone"]) == [
            FieldDerivation(output: "id", inputs: ["id"], how: "copy"),
            FieldDerivation(output: "user", inputs: ["user.name", "user.phone"], how: "unflatten"),
        ])
    }

    @Test func unflattenClashesRejectTheRecord() throws {
        let unflatten = try make(UnflattenRecords.self, #"{"separator": "/"}"#)
        let out = try unflatten.process(try batch(#"[{"a": 5, "a/b": 1}, {"a/b": 2, "a/b/c": 3}, {"a/b": 4}]"#, positions: [1, 2, 3]))
        #expect(text(out.batch) == #"[{"a":{"b":4}}]"#)
        #expect(out.rejected.map(\.reasons) == [
            ["Field a: holds 5, so fields under it cannot be nested"],
            ["Field a/b/c: cannot nest it, a/b already holds a value"],
        ])
        #expect(out.rejected.map(\.position) == [1, 2])
    }

    @Test func flattenThenUnflattenRoundTrips() throws {
        let records = #"[{"id":1,"a":{"b":{"c":1,"d":[1,2]},"e":"x"}},{"id":2,"a":{"e":"y"}}]"#
        let flat = try make(FlattenRecords.self, "{}").process(try batch(records)).batch
        let back = try make(UnflattenRecords.self, "{}").process(flat).batch
        #expect(text(back) == records)
    }
}

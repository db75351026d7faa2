import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct SortTests {
    static let rows = #"""
        [{"id": 1, "amount": 5, "name": "b"}, {"id": 2, "amount": null, "name": "a"},
         {"id": 3, "amount": 7.5, "name": "c"}, {"id": 4, "amount": 5, "name": "a"},
         {"id": 5, "name": "z"}, {"id": 6, "amount": -1, "name": "é"}, {"id": 7, "amount": 5, "name": "b"}]
        """#

    @Test func severalKeysDirectionsAndNullsLastByDefault() throws {
        let sort = try make(Sort.self, #"{"by": [{"field": "amount", "direction": "desc"}, "name"]}"#)
        let out = try runStateful(sort, [try batch(Self.rows)])
        // Ties on (amount, name) keep input order (1 before 7); null and missing amounts last.
        #expect(out.columns[0].count == 7)
        #expect((0..<7).map { out.value(row: $0, column: 0) } == [3, 4, 1, 7, 6, 2, 5])
        #expect(out.positions == [3, 4, 1, 7, 6, 2, 5])
        #expect(out.fields == ["id", "amount", "name"])
        // The record without an amount stays without one (absent, not null).
        #expect(text(out).hasSuffix(#"{"id":2,"amount":null,"name":"a"},{"id":5,"name":"z"}]"#))
    }

    @Test func nullsFirstAndAscendingText() throws {
        let sort = try make(Sort.self, #"{"by": [{"field": "amount", "nulls": "first"}, {"field": "name", "direction": "desc"}]}"#)
        let out = try runStateful(sort, slices(try batch(Self.rows), size: 2))
        #expect((0..<7).map { out.value(row: $0, column: 0) } == [5, 2, 6, 1, 7, 4, 3])
        let byName = try runStateful(try make(Sort.self, #"{"by": ["name"]}"#), [try batch(Self.rows)])
        // UTF-8 byte order: "é" (0xC3 0xA9) after "z".
        #expect((0..<7).map { byName.value(row: $0, column: 2) } == ["a", "a", "b", "b", "c", "z", "é"])
        #expect((0..<7).map { byName.value(row: $0, column: 0) } == [2, 4, 1, 7, 3, 5, 6])
    }

    @Test func batchSizesAndLayoutsDoNotChangeTheOrder() throws {
        var random = DuckDBOracle.Generator(state: 3)
        var records: [String] = []
        for i in 0..<500 {
            let a = random.below(10) == 0 ? "null" : String(random.below(7) - 3)
            let b = random.below(10) == 0 ? "null" : "\"k\(random.below(5))\""
            records.append(#"{"i": \#(i), "a": \#(a), "b": \#(b), "c": \#(Double(random.below(100)) / 4)}"#)
        }
        let input = try batch("[" + records.joined(separator: ",") + "]")
        let sort = try make(Sort.self, #"{"by": [{"field": "b", "nulls": "first"}, {"field": "a", "direction": "desc"}, "c"]}"#)
        let whole = try runStateful(sort, [input])
        for size in [1, 7, 64, 499] {
            #expect(text(try runStateful(sort, slices(input, size: size))) == text(whole))
        }
        #expect(text(try runStateful(sort, slices(valuesLayout(input), size: 50))) == text(whole))
        // The order is the one a stable comparison sort gives.
        func rank(_ v: Value, _ descending: Bool, nullsFirst: Bool) -> (Int, Double, String) {
            if v.isNull { return (nullsFirst ? 0 : 2, 0, "") }
            return (1, (v.number ?? 0) * (descending ? -1 : 1), v.stringValue ?? "")
        }
        let expected = (0..<input.count).sorted { x, y in
            let kx = [rank(input.value(row: x, column: 2), false, nullsFirst: true), rank(input.value(row: x, column: 1), true, nullsFirst: false), rank(input.value(row: x, column: 3), false, nullsFirst: false)]
            let ky = [rank(input.value(row: y, column: 2), false, nullsFirst: true), rank(input.value(row: y, column: 1), true, nullsFirst: false), rank(input.value(row: y, column: 3), false, nullsFirst: false)]
            for (a, b) in zip(kx, ky) where a != b { return a < b }
            return x < y
        }
        #expect(whole.positions == expected.map { input.positions[$0] })
    }

    @Test func mixedKindsOrderByKindThenValue() throws {
        let sort = try make(Sort.self, #"{"by": ["v"]}"#)
        let first = try batch(#"[{"v": 3}, {"v": "b"}, {"v": true}, {"v": null}, {"v": 1.5}]"#)
        let second = try batch(#"[{"v": "a"}, {"v": false}, {"v": [1]}, {"v": -2}, {"v": {"x": 1}}]"#, positions: [6, 7, 8, 9, 10])
        let out = try runStateful(sort, [first, second])
        #expect(text(out) == #"[{"v":false},{"v":true},{"v":-2},{"v":1.5},{"v":3},{"v":"a"},{"v":"b"},{"v":[1]},{"v":{"x":1}},{"v":null}]"#)
        // Ints in one batch and doubles in another compare as numbers.
        let numbers = try runStateful(sort, [try batch(#"[{"v": 2}, {"v": -1}]"#), try batch(#"[{"v": 1.5}, {"v": -0.5}]"#)])
        #expect(text(numbers) == #"[{"v":-1},{"v":-0.5},{"v":1.5},{"v":2}]"#)
    }

    @Test func emptyInputAndAMissingKeyField() throws {
        let sort = try make(Sort.self, #"{"by": ["nope"]}"#)
        #expect(try runStateful(sort, []).isEmpty)
        let out = try runStateful(sort, [try batch(#"[{"a": 2}, {"a": 1}]"#)])
        #expect(text(out) == #"[{"a":2},{"a":1}]"#)
    }

    @Test func configErrorsNameThePath() {
        func message(_ config: String) -> String? { specError { _ = try make(Sort.self, config) }?.message }
        #expect(message(#"{"by": []}"#) == #"by: expected at least one sort key, as [{"field": "amount", "direction": "desc"}]"#)
        #expect(message(#"{"by": [{"field": "a", "direction": "up"}]}"#) == "by[0].direction: expected asc or desc, found 'up'")
        #expect(message(#"{"by": ["b", {"field": "a", "nulls": "middle"}]}"#) == "by[1].nulls: expected first or last, found 'middle'")
        #expect(message(#"{"by": ["a", "a"]}"#) == "by[1].field: duplicate sort key 'a'")
        #expect(message(#"{"by": [""]}"#) == "by[0].field: must name a field")
        #expect(message(#"{}"#) == "by: required field is missing")
    }

    @Test func demandLineageAndMemory() throws {
        let sort = try make(Sort.self, #"{"by": ["a", {"field": "b", "direction": "desc"}]}"#)
        #expect(sort.inputDemand(forOutput: .only(["x"])) == .only(["x", "a", "b"]))
        #expect(sort.inputDemand(forOutput: .all) == .all)
        #expect(sort.lineage(inputFields: ["a", "x"]) == [
            FieldDerivation(output: "a", inputs: ["a"], how: "copy"), FieldDerivation(output: "x", inputs: ["x"], how: "copy"),
        ])
        var state = sort.makeState()
        _ = try sort.consume(try batch(#"[{"a": 1, "b": "xyz"}, {"a": 2, "b": "w"}]"#), into: &state)
        #expect(sort.estimatedBytes(of: state) >= 2 * 8 + 4)
        #expect(state.rowCount == 2)
    }
}

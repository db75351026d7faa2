import SluiceCore
import Testing

@testable import SluiceOperators

@Suite struct PivotTests {
    static let sales = #"""
        [{"region": "eu", "quarter": "q2", "sales": 2},
         {"region": "us", "quarter": "q1", "sales": null},
         {"region": "eu", "quarter": "q1", "sales": 1},
         {"region": "eu", "quarter": "q1", "sales": 5.5},
         {"region": "us", "quarter": null, "sales": 3},
         {"region": "as", "quarter": "q3", "sales": "7"},
         {"region": "eu", "sales": 100}]
        """#

    /// The pivot of ``sales`` by `aggregate` of `sales` (`count` takes no value: it counts records).
    func pivot(_ aggregate: String, batchSize: Int = 100) throws -> String {
        let value = aggregate == "count" ? "" : #""value": "sales", "#
        let pivot = try make(Pivot.self, #"{"index": ["region"], "column": "quarter", \#(value)"aggregate": "\#(aggregate)"}"#)
        return text(try runStateful(pivot, slices(try batch(Self.sales), size: batchSize)))
    }

    @Test func everyAggregateWithSortedColumnsAndFirstSeenRows() throws {
        #expect(try pivot("sum") == #"[{"region":"eu","q1":6.5,"q2":2,"q3":null},{"region":"us","q1":null,"q2":null,"q3":null},{"region":"as","q1":null,"q2":null,"q3":7}]"#)
        #expect(try pivot("avg") == #"[{"region":"eu","q1":3.25,"q2":2.0,"q3":null},{"region":"us","q1":null,"q2":null,"q3":null},{"region":"as","q1":null,"q2":null,"q3":7.0}]"#)
        #expect(try pivot("min") == #"[{"region":"eu","q1":1,"q2":2,"q3":null},{"region":"us","q1":null,"q2":null,"q3":null},{"region":"as","q1":null,"q2":null,"q3":7}]"#)
        #expect(try pivot("max") == #"[{"region":"eu","q1":5.5,"q2":2,"q3":null},{"region":"us","q1":null,"q2":null,"q3":null},{"region":"as","q1":null,"q2":null,"q3":7}]"#)
        // count counts records (the us q1 record's null sales included), countNonNull only values.
        #expect(try pivot("count") == #"[{"region":"eu","q1":2,"q2":1,"q3":0},{"region":"us","q1":1,"q2":0,"q3":0},{"region":"as","q1":0,"q2":0,"q3":1}]"#)
        #expect(try pivot("countNonNull") == #"[{"region":"eu","q1":2,"q2":1,"q3":0},{"region":"us","q1":0,"q2":0,"q3":0},{"region":"as","q1":0,"q2":0,"q3":1}]"#)
        #expect(try pivot("first") == #"[{"region":"eu","q1":1,"q2":2,"q3":null},{"region":"us","q1":null,"q2":null,"q3":null},{"region":"as","q1":null,"q2":null,"q3":"7"}]"#)
        for aggregate in PivotFunction.allCases.map(\.rawValue) {
            #expect(try pivot(aggregate, batchSize: 1) == pivot(aggregate), "\(aggregate)")
        }
    }

    @Test func countOfRecordsNoIndexAndNameClashes() throws {
        let input = try batch(#"[{"k": "a", "c": "k"}, {"k": "b", "c": 1}, {"k": "a", "c": "1"}, {"k": "a", "c": 10}, {"k": "a", "c": 9}]"#)
        let count = try make(Pivot.self, #"{"index": ["k"], "column": "c", "aggregate": "count"}"#)
        // "1" and 1 share a field; "10" sorts before "9" (by text, as DuckDB names and orders them);
        // the value "k" clashes with the index field.
        #expect(text(try runStateful(count, [input])) == #"[{"k":"a","1":1,"10":1,"9":1,"k_count":1},{"k":"b","1":1,"10":0,"9":0,"k_count":0}]"#)
        let total = try make(Pivot.self, #"{"column": "c", "aggregate": "count"}"#)
        #expect(text(try runStateful(total, [input])) == #"[{"1":2,"10":1,"9":1,"k":1}]"#)
        #expect(try runStateful(total, []).isEmpty)
    }

    @Test func intSumsStayExactAndOverflowToDouble() throws {
        let input = try batch(#"[{"c": "x", "v": 9007199254740993}, {"c": "x", "v": 1}, {"c": "y", "v": 9223372036854775807}, {"c": "y", "v": 1}]"#)
        let sum = try make(Pivot.self, #"{"column": "c", "value": "v"}"#)
        let sums = try runStateful(sum, [input])
        #expect(sums.fields == ["x", "y"])
        // `Value`'s == would equate the int with a rounded double: compare the cases.
        guard case .int(let x) = sums.value(row: 0, column: 0), case .double(let y) = sums.value(row: 0, column: 1) else {
            Issue.record("expected an int and a double, got \(text(sums))")
            return
        }
        #expect(x == 9_007_199_254_740_994)
        #expect(y == 9_223_372_036_854_775_808.0)
        let max = try make(Pivot.self, #"{"column": "c", "value": "v", "aggregate": "max"}"#)
        let mixed = try batch(#"[{"c": "x", "v": 9007199254740993}, {"c": "x", "v": 9007199254740992.0}]"#)
        #expect(text(try runStateful(max, [mixed])) == #"[{"x":9007199254740993}]"#)
    }

    @Test func configErrorsDemandAndLineage() throws {
        func message(_ config: String) -> String? { specError { _ = try make(Pivot.self, config) }?.message }
        #expect(message(#"{"column": "c", "value": "v", "aggregate": "median"}"#) == "aggregate: unknown aggregate 'median'; expected one of sum, avg, min, max, count, countNonNull, first")
        #expect(message(#"{"column": "c", "value": "v", "aggregate": "count"}"#) == "value: count counts records and takes no value; use countNonNull to count the non-null values of 'v'")
        #expect(message(#"{"column": "c", "aggregate": "countNonNull"}"#) == "value: required for countNonNull (only count may leave it out)")
        #expect(message(#"{"column": "c"}"#) == "value: required for sum (only count may leave it out)")
        #expect(message(#"{"index": ["a", "a"], "column": "c", "value": "v"}"#) == "index[1]: duplicate field 'a'")
        #expect(message(#"{"index": ["a", "c"], "column": "c", "value": "v"}"#) == "column: 'c' is already index[1]")
        #expect(message(#"{"value": "v"}"#) == "column: required field is missing")
        let pivot = try make(Pivot.self, #"{"index": ["r"], "column": "c", "value": "v"}"#)
        #expect(pivot.function == .sum)
        #expect(pivot.inputDemand(forOutput: .only(["q1"])) == .only(["r", "c", "v"]))
        #expect(pivot.inputDemand(forOutput: .all) == .only(["r", "c", "v"]))
        #expect(pivot.lineage(inputFields: ["r", "c", "v"]) == [FieldDerivation(output: "r", inputs: ["r"], how: "copy")])
    }
}

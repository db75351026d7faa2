import SluiceCore
import Testing

@testable import SluiceOperators

/// Runs an aggregate over `batches` in one state and returns the result.
private func run(_ configJSON: String, _ batches: [RecordBatch]) throws -> RecordBatch {
    let aggregate = try make(Aggregate.self, configJSON)
    var state = aggregate.makeState()
    for batch in batches { #expect(try aggregate.consume(batch, into: &state).rejected.isEmpty) }
    return try aggregate.finish(state)
}

/// The result as JSON text, expecting the `[Value]` layout of `input` to give the same.
private func bothLayouts(_ configJSON: String, _ input: RecordBatch) throws -> String {
    let typed = text(try run(configJSON, [input]))
    #expect(text(try run(configJSON, [valuesLayout(input)])) == typed)
    return typed
}

private func aggregateError(_ configJSON: String) -> String? {
    specError { _ = try make(Aggregate.self, configJSON) }?.message
}

@Suite struct AggregateFunctionTests {
    /// a: 1, 2.0, "4", 5; b: 7; c: null, "x"; d: 3, 1, 2.
    static let spread = try! batch(
        """
        [{"g": "a", "v": 1}, {"g": "a", "v": 2.0}, {"g": "b", "v": 7}, {"g": "a", "v": "4"}, {"g": "c", "v": null},
         {"g": "a", "v": 5}, {"g": "c", "v": "x"}, {"g": "d", "v": 3}, {"g": "d", "v": 1}, {"g": "d", "v": 2}]
        """)

    @Test func orderAndListFunctions() throws {
        let out = try bothLayouts(
            #"{"groupBy": ["g"], "aggregations": {"v": ["first", "last", "collect", "countDistinct"]}}"#, Self.spread)
        #expect(out == """
            [{"g":"a","v_first":1,"v_last":5,"v_collect":[1,2.0,"4",5],"v_countDistinct":4},\
            {"g":"b","v_first":7,"v_last":7,"v_collect":[7],"v_countDistinct":1},\
            {"g":"c","v_first":null,"v_last":"x","v_collect":[null,"x"],"v_countDistinct":1},\
            {"g":"d","v_first":3,"v_last":2,"v_collect":[3,1,2],"v_countDistinct":3}]
            """)
    }

    @Test func variancesAndDeviations() throws {
        let out = try run(
            #"{"groupBy": ["g"], "aggregations": {"v": ["variance", "variance_pop", "stddev", "stddev_pop"]}}"#, [Self.spread]).records
        // a: 1, 2, 4, 5 (mean 3, squares 10); d: 3, 1, 2 (mean 2, squares 2); b: one value; c: none.
        let expected: [(Value, Value, Value, Value)] = [
            (.double(10.0 / 3), 2.5, .double((10.0 / 3).squareRoot()), .double(2.5.squareRoot())),
            (nil, 0.0, nil, 0.0),
            (nil, nil, nil, nil),
            (1.0, .double(2.0 / 3), 1.0, .double((2.0 / 3).squareRoot())),
        ]
        #expect(out.count == 4)
        for (row, (variance, population, deviation, populationDeviation)) in zip(out, expected) {
            #expect(DuckDBOracle.close(row["v_variance"], variance), "\(row)")
            #expect(DuckDBOracle.close(row["v_variance_pop"], population), "\(row)")
            #expect(DuckDBOracle.close(row["v_stddev"], deviation), "\(row)")
            #expect(DuckDBOracle.close(row["v_stddev_pop"], populationDeviation), "\(row)")
        }
    }

    @Test func percentilesInterpolate() throws {
        let out = try bothLayouts(
            """
            {"groupBy": ["g"], "aggregations": {"v": [{"function": "percentile", "p": 0.1}, {"function": "percentile", "p": 0.9},
              {"function": "percentile", "p": 0, "as": "lowest"}, {"function": "percentile", "p": 1, "as": "highest"}, "median",
              {"function": "percentile", "p": 0.5, "as": "half"}]}}
            """, Self.spread)
        // a sorted: 1, 2, 4, 5 → positions 0.3 and 2.7; d sorted: 1, 2, 3 → 0.2 and 1.8.
        #expect(out == """
            [{"g":"a","v_p10":1.3,"v_p90":4.7,"lowest":1.0,"highest":5.0,"v_median":3.0,"half":3.0},\
            {"g":"b","v_p10":7.0,"v_p90":7.0,"lowest":7.0,"highest":7.0,"v_median":7.0,"half":7.0},\
            {"g":"c","v_p10":null,"v_p90":null,"lowest":null,"highest":null,"v_median":null,"half":null},\
            {"g":"d","v_p10":1.2,"v_p90":2.8,"lowest":1.0,"highest":3.0,"v_median":2.0,"half":2.0}]
            """)
        #expect(AggregationList.defaultName("t", .percentile, 0.999) == "t_p99_9")
        #expect(AggregationList.defaultName("t", .percentile, 0.12345) == "t_p12_345")
        #expect(AggregationList.defaultName("t", .percentile, 0.05) == "t_p5")
        #expect(AggregationList.defaultName("t", .percentile, 0.0001) == "t_p0_01")
    }

    @Test func severalFunctionsPerFieldWithNames() throws {
        let out = try bothLayouts(
            """
            {"groupBy": ["g"], "aggregations": {"v": [{"function": "sum", "as": "total"}, "avg", {"function": "count"}],
             "q": {"field": "v", "function": "percentile", "p": 0.5}}}
            """, Self.spread)
        #expect(out == """
            [{"g":"a","total":12.0,"v_avg":3.0,"v_count":4,"q":3.0},{"g":"b","total":7,"v_avg":7.0,"v_count":1,"q":7.0},\
            {"g":"c","total":0,"v_avg":null,"v_count":2,"q":null},{"g":"d","total":6,"v_avg":2.0,"v_count":3,"q":2.0}]
            """)
    }

    @Test func havingFiltersOutputRows() throws {
        let config = """
            {"groupBy": ["g"], "aggregations": {"v": [{"function": "sum", "as": "total"}, "count"]},
             "having": {"or": [{"field": "total", "operator": "gt", "value": 6}, {"field": "g", "operator": "eq", "value": "c"}]}}
            """
        #expect(try bothLayouts(config, Self.spread) == #"[{"g":"a","total":12.0,"v_count":4},{"g":"b","total":7,"v_count":1},{"g":"c","total":0,"v_count":2}]"#)
        let notBig = #"{"groupBy": ["g"], "aggregations": {"v": "avg"}, "having": {"not": {"field": "v", "operator": "gte", "value": 3}}}"#
        // c's average is null: unknown, so not kept.
        #expect(try bothLayouts(notBig, Self.spread) == #"[{"g":"d","v":2.0}]"#)
    }

    @Test func globalAggregates() throws {
        let config = """
            {"aggregations": {"n": "count", "v": ["countDistinct", "variance", "first", "last", "collect",
             {"function": "percentile", "p": 0.9}, "stddev_pop"]}}
            """
        #expect(try bothLayouts(config, try batch(#"[{"v": 4}, {"v": null}, {"v": 1}, {"v": 4}]"#)) == """
            [{"n":4,"v_countDistinct":2,"v_variance":3.0,"v_first":4,"v_last":4,"v_collect":[4,null,1,4],"v_p90":4.0,\
            "v_stddev_pop":1.4142135623730951}]
            """)
        // No input: one row, count 0 and everything else null, as SQL's aggregates without GROUP BY.
        #expect(text(try run(config, [])) == """
            [{"n":0,"v_countDistinct":0,"v_variance":null,"v_first":null,"v_last":null,"v_collect":null,"v_p90":null,\
            "v_stddev_pop":null}]
            """)
        #expect(text(try run(#"{"aggregations": {"n": "count"}, "having": {"field": "n", "operator": "gt", "value": 0}}"#, [])) == "[]")
    }

    @Test func missingFieldIsNullInEveryRow() throws {
        let input = try batch(#"[{"g": 1}, {"g": 1}, {"g": 2}]"#)
        #expect(try bothLayouts(#"{"groupBy": ["g"], "aggregations": {"v": ["first", "collect", "countDistinct", "variance_pop"]}}"#, input) == """
            [{"g":1,"v_first":null,"v_collect":[null,null],"v_countDistinct":0,"v_variance_pop":null},\
            {"g":2,"v_first":null,"v_collect":[null],"v_countDistinct":0,"v_variance_pop":null}]
            """)
    }

    @Test func countDistinctFollowsGroupKeyEquality() throws {
        // 1 and 1.0 are one value, "1" another; text by bytes; nulls and absent cells are not counted.
        let input = try batch(#"[{"v": 1}, {"v": 1.0}, {"v": "1"}, {"v": null}, {}, {"v": "é"}, {"v": "é"}, {"v": ""}, {"v": true}, {"v": 2.5}]"#)
        #expect(try bothLayouts(#"{"aggregations": {"v": "countDistinct"}}"#, input) == #"[{"v":6}]"#)
    }

    @Test func firstAndLastAcrossBatchesAndMerges() throws {
        let config = #"{"groupBy": ["g"], "aggregations": {"v": ["first", "last", "collect", "countDistinct"]}}"#
        let first = try batch(#"[{"g": "a", "v": "x1"}, {"g": "b"}, {"g": "a", "v": "x2"}]"#)
        let second = try batch(#"[{"g": "c", "v": 3}, {"g": "b", "v": "y"}, {"g": "a", "v": "x1"}]"#)
        let third = try batch(#"[{"g": "b", "v": null}, {"g": "c", "v": 4}]"#)
        let oneRun = text(try run(config, [first, second, third]))
        #expect(oneRun == """
            [{"g":"a","v_first":"x1","v_last":"x1","v_collect":["x1","x2","x1"],"v_countDistinct":2},\
            {"g":"b","v_first":null,"v_last":null,"v_collect":[null,"y",null],"v_countDistinct":1},\
            {"g":"c","v_first":3,"v_last":4,"v_collect":[3,4],"v_countDistinct":2}]
            """)
        // The engine merges block states in input order: earlier into later.
        let aggregate = try make(Aggregate.self, config)
        var states = [aggregate.makeState(), aggregate.makeState(), aggregate.makeState()]
        for (i, part) in [first, second, third].enumerated() { _ = try aggregate.consume(part, into: &states[i]) }
        var merged = states[0]
        aggregate.merge(&merged, states[1])
        aggregate.merge(&merged, states[2])
        #expect(text(try aggregate.finish(merged)) == oneRun)
        // Merging the later two first, then into the earliest, gives the same.
        var tail = states[1]
        aggregate.merge(&tail, states[2])
        var head = states[0]
        aggregate.merge(&head, tail)
        #expect(text(try aggregate.finish(head)) == oneRun)
    }

    @Test func mergedHalvesEqualOneState() throws {
        let config = """
            {"groupBy": ["g"], "aggregations": {"v": ["countDistinct", "variance", "variance_pop", "stddev_pop", "first", "last",
             "collect", {"function": "percentile", "p": 0.25}, {"function": "percentile", "p": 0.75}]}}
            """
        let rows = (0..<3000).map { (i: Int) -> ValueObject in
            let v: Value = i % 13 == 0 ? .null : (i % 5 == 0 ? .string("t\(i % 17)") : .double(Double(i * 37 % 101) / 4))
            return ValueObject([("g", .int(i % 7)), ("v", v)])
        }
        let aggregate = try make(Aggregate.self, config)
        var whole = aggregate.makeState()
        for start in stride(from: 0, to: 3000, by: 250) { _ = try aggregate.consume(RecordBatch(records: Array(rows[start..<start + 250])), into: &whole) }
        var halves = [aggregate.makeState(), aggregate.makeState()]
        // The second half comes in other batch sizes, some in the [Value] layout.
        _ = try aggregate.consume(RecordBatch(records: Array(rows[0..<1700])), into: &halves[0])
        for start in stride(from: 1700, to: 3000, by: 100) {
            let part = RecordBatch(records: Array(rows[start..<start + 100]))
            _ = try aggregate.consume(start % 200 == 0 ? valuesLayout(part) : part, into: &halves[1])
        }
        aggregate.merge(&halves[0], halves[1])
        let expected = try aggregate.finish(whole).records
        let merged = try aggregate.finish(halves[0]).records
        #expect(merged.count == 7)
        for (a, b) in zip(merged, expected) {
            for field in ["g", "v_countDistinct", "v_first", "v_last", "v_collect", "v_p25", "v_p75"] {
                #expect(a[field] == b[field], "\(field): \(a[field] ?? .null) vs \(b[field] ?? .null)")
            }
            for field in ["v_variance", "v_variance_pop", "v_stddev_pop"] {
                #expect(DuckDBOracle.close(a[field], b[field]), "\(field): \(a[field] ?? .null) vs \(b[field] ?? .null)")
            }
        }
    }

    @Test func estimatedBytesCountsKeptValues() throws {
        let aggregate = try make(Aggregate.self, #"{"groupBy": ["g"], "aggregations": {"v": ["collect", "countDistinct", "last"]}}"#)
        var state = aggregate.makeState()
        let empty = aggregate.estimatedBytes(of: state)
        let long = String(repeating: "x", count: 40)
        _ = try aggregate.consume(RecordBatch(records: (0..<10_000).map { ValueObject([("g", .int($0 % 10)), ("v", .string("\(long)\($0)"))]) }), into: &state)
        let full = aggregate.estimatedBytes(of: state)
        // Every value is kept in a list (a cell plus its text) and once among the distinct values.
        let perValue = MemoryLayout<Value>.stride + 40
        #expect(full - empty >= 10_000 * (perValue + 40 + 8))
        #expect(full - empty < 10_000 * (perValue + 40 + 8) * 4)
    }

    @Test func lineageOfNewFunctions() throws {
        let aggregate = try make(Aggregate.self, #"{"aggregations": {"v": [{"function": "percentile", "p": 0.9, "as": "p"}, "collect"]}}"#)
        #expect(aggregate.lineage(inputFields: ["v"]) == [
            FieldDerivation(output: "p", inputs: ["v"], how: "percentile"),
            FieldDerivation(output: "v_collect", inputs: ["v"], how: "collect"),
        ])
        #expect(aggregate.inputDemand(forOutput: .all) == .only(["v"]))
    }

    @Test func configErrors() throws {
        #expect(aggregateError(#"{"aggregations": {"v": "percentile"}}"#) == #"aggregations.v: percentile needs p; write {"field": "v", "function": "percentile", "p": 0.9}"#)
        #expect(aggregateError(#"{"aggregations": {"v": ["sum", "percentile"]}}"#) == #"aggregations.v[1]: percentile needs p; write {"function": "percentile", "p": 0.9}"#)
        #expect(aggregateError(#"{"aggregations": {"v": [{"function": "percentile"}]}}"#) == "aggregations.v[0].p: required field is missing")
        #expect(aggregateError(#"{"aggregations": {"v": [{"function": "percentile", "p": 90}]}}"#) == "aggregations.v[0].p: expected a number from 0 to 1 (0.9 for the 90th percentile), found 90")
        #expect(aggregateError(#"{"aggregations": {"t": {"field": "v", "function": "percentile", "p": "0.5"}}}"#) == #"aggregations.t.p: expected a number from 0 to 1 (0.9 for the 90th percentile), found "0.5""#)
        #expect(aggregateError(#"{"aggregations": {"v": [{"function": "sum", "p": 0.5}]}}"#) == "aggregations.v[0].p: p applies only to percentile, not sum")
        #expect(aggregateError(#"{"aggregations": {"v": [{"function": "sum", "field": "w"}]}}"#) == "aggregations.v[0].field: unknown key 'field'; expected function, as and p")
        #expect(aggregateError(#"{"aggregations": {"v": [{"as": "x"}]}}"#) == "aggregations.v[0].function: required field is missing")
        #expect(aggregateError(#"{"aggregations": {"v": [{"function": "sum", "as": ""}]}}"#) == "aggregations.v[0].as: expected a field name, found an empty string")
        #expect(aggregateError(#"{"aggregations": {"v": [{"function": "sum", "as": 3}]}}"#) == "aggregations.v[0].as: expected a string, found number")
        #expect(aggregateError(#"{"aggregations": {"v": ["sum", {"function": "sum"}]}}"#) == "aggregations.v[1]: output field 'v_sum' is also produced by aggregations.v[0]")
        #expect(aggregateError(#"{"aggregations": {"v": [{"function": "sum", "as": "t"}], "t": "max"}}"#) == "aggregations.t: output field 't' is also produced by aggregations.v[0]")
        #expect(aggregateError(#"{"groupBy": ["g"], "aggregations": {"v": "sum"}, "having": {"and": [{"field": "v", "operator": "gt", "value": 1}, {"field": "amount", "operator": "gt", "value": 1}]}}"#)
            == "having.and[1].field: 'amount' is not an output field; having can test g, v")
        #expect(aggregateError(#"{"aggregations": {"v": "sum"}, "having": {"not": {"field": "v", "operator": "gt"}}}"#)
            == "having.not.value: gt expects a number, string or boolean to compare with, got null")
        #expect(aggregateError(#"{"aggregations": {"v": "sum"}, "having": {"or": []}}"#) == "having.or: expected at least one condition")
    }
}

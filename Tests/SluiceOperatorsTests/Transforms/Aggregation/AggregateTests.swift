import SluiceCore
import Testing

@testable import SluiceOperators

/// Runs an aggregate over `batches` in one state and returns the result as JSON text.
private func aggregate(_ configJSON: String, _ batches: [RecordBatch]) throws -> String {
    let aggregate = try make(Aggregate.self, configJSON)
    var state = aggregate.makeState()
    for batch in batches { #expect(try aggregate.consume(batch, into: &state).rejected.isEmpty) }
    return text(try aggregate.finish(state))
}

/// Runs the aggregate over `input` in its typed and its `[Value]` layout, and with text
/// dictionary-encoded, expecting one answer (groups in the same order).
private func aggregateBothLayouts(_ configJSON: String, _ input: RecordBatch) throws -> String {
    let typed = try aggregate(configJSON, [input])
    #expect(try aggregate(configJSON, [valuesLayout(input)]) == typed)
    #expect(try aggregate(configJSON, [dictionaryLayout(input)]) == typed)
    return typed
}

private func aggregateError(_ configJSON: String) -> String? {
    specError { _ = try make(Aggregate.self, configJSON) }?.message
}

@Suite struct AggregateTests {
    let sales = try! batch(
        """
        [{"region": "EU", "product": "a", "amount": 100, "quantity": 2},
         {"region": "US", "product": "a", "amount": 50.5, "quantity": 1},
         {"region": "EU", "product": "b", "amount": 1134.5, "quantity": 3},
         {"region": "EU", "product": "a", "amount": null, "quantity": 4},
         {"product": "c", "amount": 7},
         {"region": null, "product": "c", "amount": "8"}]
        """)

    @Test func groupsInFirstSeenOrderWithEveryFunction() throws {
        let out = try aggregateBothLayouts(
            #"{"groupBy": ["region"], "aggregations": {"amount": "sum", "quantity": "avg", "transactions": "count", "x": "min"}}"#, sales)
        #expect(out == """
            [{"region":"EU","amount":1234.5,"quantity":3.0,"transactions":3,"x":null},\
            {"region":"US","amount":50.5,"quantity":1.0,"transactions":1,"x":null},\
            {"region":null,"amount":15,"quantity":null,"transactions":2,"x":null}]
            """)
    }

    @Test func twoGroupFieldsAndMinMax() throws {
        let out = try aggregateBothLayouts(
            #"{"groupBy": ["region", "product"], "aggregations": {"amount": "max", "quantity": "min", "n": "count"}}"#, sales)
        #expect(out == """
            [{"region":"EU","product":"a","amount":100,"quantity":2,"n":2},\
            {"region":"US","product":"a","amount":50.5,"quantity":1,"n":1},\
            {"region":"EU","product":"b","amount":1134.5,"quantity":3,"n":1},\
            {"region":null,"product":"c","amount":8,"quantity":null,"n":2}]
            """)
    }

    @Test func sumsStayIntegersUntilADoubleOrOverflow() throws {
        let input = try batch(
            """
            [{"g": "ints", "v": 1}, {"g": "ints", "v": 2}, {"g": "mixed", "v": 1}, {"g": "mixed", "v": 0.5},
             {"g": "big", "v": 9223372036854775807}, {"g": "big", "v": 1}, {"g": "none", "v": "abc"},
             {"g": "none", "v": true}, {"g": "none", "v": [1]}, {"g": "strings", "v": "40"}, {"g": "strings", "v": " 2 "},
             {"g": "strings", "v": "0.25"}]
            """)
        let out = try aggregateBothLayouts(
            #"{"groupBy": ["g"], "aggregations": {"v": "sum"}}"#, input)
        #expect(out == """
            [{"g":"ints","v":3},{"g":"mixed","v":1.5},{"g":"big","v":9.223372036854776e+18},\
            {"g":"none","v":0},{"g":"strings","v":42.25}]
            """)
        let avg = try aggregate(#"{"groupBy": ["g"], "aggregations": {"v": "avg"}}"#, [input])
        #expect(avg == """
            [{"g":"ints","v":1.5},{"g":"mixed","v":0.75},{"g":"big","v":4.611686018427388e+18},\
            {"g":"none","v":null},{"g":"strings","v":14.083333333333334}]
            """)
    }

    @Test func doubleSumsAreCompensated() throws {
        // Plain summation gives 0.9999999999999999 and 0.0 here; Python's math.fsum agrees with these.
        let tenths = (0..<10).map { _ in #"{"g": "a", "v": 0.1}"# }.joined(separator: ",")
        let input = try batch("[\(tenths), {\"g\": \"b\", \"v\": 1e16}, {\"g\": \"b\", \"v\": 1.0}, {\"g\": \"b\", \"v\": -1e16}]")
        let out = try aggregateBothLayouts(#"{"groupBy": ["g"], "aggregations": {"v": "sum"}}"#, input)
        #expect(out == #"[{"g":"a","v":1.0},{"g":"b","v":1.0}]"#)
    }

    @Test func minMaxKeepTheWinnersKind() throws {
        let input = try batch(#"[{"v": 3}, {"v": 2.5}, {"v": "1"}, {"v": 10}, {"v": null}, {"v": "x"}, {"v": 10.0}]"#)
        #expect(try aggregateBothLayouts(#"{"aggregations": {"v": "min"}}"#, input) == #"[{"v":1}]"#)
        #expect(try aggregateBothLayouts(#"{"aggregations": {"v": "max"}}"#, input) == #"[{"v":10}]"#)
        let doubles = try batch(#"[{"v": 3.5}, {"v": -2.25}, {"v": 1}]"#)
        #expect(try aggregateBothLayouts(#"{"aggregations": {"v": "min"}}"#, doubles) == #"[{"v":-2.25}]"#)
    }

    @Test func groupKeysFollowValueEquality() throws {
        // null and absent are one group; 1 and 1.0 are one group; "1" is another.
        let input = try batch(#"[{"k": 1, "v": 1}, {"k": null, "v": 2}, {"v": 3}, {"k": 1.0, "v": 4}, {"k": "1", "v": 5}, {"k": true, "v": 6}, {"k": 2.5, "v": 7}, {"k": 2.5, "v": 8}]"#)
        #expect(try aggregateBothLayouts(#"{"groupBy": ["k"], "aggregations": {"v": "sum"}}"#, input) == """
            [{"k":1,"v":5},{"k":null,"v":5},{"k":"1","v":5},{"k":true,"v":6},{"k":2.5,"v":15}]
            """)
        // A group-by field the batch lacks puts every row in the null group.
        #expect(try aggregate(#"{"groupBy": ["nope"], "aggregations": {"v": "count"}}"#, [input]) == #"[{"nope":null,"v":8}]"#)
    }

    @Test func emptyInput() throws {
        #expect(try aggregate(#"{"aggregations": {"a": "sum", "b": "avg", "c": "min", "d": "max", "e": "count"}}"#, []) == #"[{"a":0,"b":null,"c":null,"d":null,"e":0}]"#)
        #expect(try aggregate(#"{"groupBy": ["g"], "aggregations": {"a": "sum"}}"#, [RecordBatch.empty]) == "[]")
        let result = try make(Aggregate.self, #"{"groupBy": ["g"], "aggregations": {"a": "sum"}}"#)
        #expect(try result.finish(result.makeState()).fields == ["g", "a"])
    }

    @Test func stateSpansBatchesAndMergesLikeOneRun() throws {
        let config = #"{"groupBy": ["region", "product"], "aggregations": {"amount": "sum", "quantity": "max", "n": "count", "avg": "avg"}}"#
        let first = try batch(#"[{"region": "EU", "product": "a", "amount": 1, "quantity": 5}, {"region": "US", "product": "b", "amount": 2.5}]"#)
        let second = try batch(#"[{"region": "EU", "product": "a", "amount": 3, "quantity": 7}, {"region": "EU", "product": "b", "amount": "4"}]"#)
        let oneRun = try aggregate(config, [first, second])
        #expect(oneRun == """
            [{"region":"EU","product":"a","amount":4,"quantity":7,"n":2,"avg":null},\
            {"region":"US","product":"b","amount":2.5,"quantity":null,"n":1,"avg":null},\
            {"region":"EU","product":"b","amount":4,"quantity":null,"n":1,"avg":null}]
            """)
        let aggregate = try make(Aggregate.self, config)
        var a = aggregate.makeState()
        var b = aggregate.makeState()
        _ = try aggregate.consume(first, into: &a)
        _ = try aggregate.consume(second, into: &b)
        aggregate.merge(&a, b)
        #expect(text(try aggregate.finish(a)) == oneRun)
        #expect(a.groupCount == 3)
    }

    @Test func mergeOfUngroupedStates() throws {
        let aggregate = try make(Aggregate.self, #"{"aggregations": {"v": "sum", "m": "min", "n": "count"}}"#)
        var a = aggregate.makeState()
        var b = aggregate.makeState()
        _ = try aggregate.consume(try batch(#"[{"v": 1, "m": 5}, {"v": 2}]"#), into: &a)
        _ = try aggregate.consume(try batch(#"[{"v": 0.5, "m": 4.5}]"#), into: &b)
        aggregate.merge(&a, b)
        #expect(text(try aggregate.finish(a)) == #"[{"v":3.5,"m":4.5,"n":3}]"#)
    }

    @Test func manyGroupsGrowTheTables() throws {
        // 5,000 distinct text keys and 3 numeric keys force several table resizes.
        let records: [ValueObject] = (0..<20_000).map { i in
            ValueObject([("k", .string("key-\(i % 5000)")), ("j", .int(i % 3)), ("v", .int(i))])
        }
        let aggregate = try make(Aggregate.self, #"{"groupBy": ["k", "j"], "aggregations": {"v": "sum", "n": "count"}}"#)
        var state = aggregate.makeState()
        _ = try aggregate.consume(RecordBatch(records: records), into: &state)
        let out = try aggregate.finish(state)
        #expect(out.count == 15_000)
        // Group (key-0, 0) holds i = 0, 15000 (i % 5000 == 0 and i % 3 == 0).
        #expect(Value.object(out.record(at: 0)) == ["k": "key-0", "j": 0, "v": 15_000, "n": 2])
        #expect(Value.object(out.record(at: 1)) == ["k": "key-1", "j": 1, "v": 15_002, "n": 2])
        var total = 0
        for row in 0..<out.count { if case .int(let n) = out.value(row: row, column: 3) { total += n } }
        #expect(total == 20_000)
    }

    @Test func configErrors() throws {
        #expect(aggregateError(#"{"groupBy": ["region"], "aggregations": {"amount": "total"}}"#) == "aggregations.amount: unknown aggregation 'total'; expected one of sum, avg, min, max, count, median, stddev, countDistinct, countNonNull, variance, variance_pop, stddev_pop, percentile, first, last, collect")
        #expect(aggregateError(#"{"groupBy": ["a", "b", "a"], "aggregations": {"x": "sum"}}"#) == "groupBy[2]: duplicate field 'a'")
        #expect(aggregateError(#"{"groupBy": ["a"], "aggregations": {"a": "count"}}"#) == "aggregations.a: 'a' is also a groupBy field; the output cannot hold two fields of that name")
        #expect(aggregateError(#"{"groupBy": [], "aggregations": {}}"#) == #"aggregations: expected at least one aggregation, as {"amount": "sum"}, or a groupBy field"#)
        #expect(aggregateError(#"{"groupBy": "region", "aggregations": {"a": "sum"}}"#) == "groupBy: expected an array, found string")
        #expect(aggregateError(#"{"aggregations": {"a": 1}}"#) == #"aggregations.a: expected a function name ("sum"), a list of them (["sum", "avg"]), {"function": "sum", "as": "total"} or {"field": "amount", "function": "sum"}, found number"#)
    }

    @Test func lineage() throws {
        let aggregate = try make(Aggregate.self, #"{"groupBy": ["region"], "aggregations": {"amount": "sum", "orders": "count"}}"#)
        #expect(aggregate.lineage(inputFields: ["region", "amount"]) == [
            FieldDerivation(output: "region", inputs: ["region"], how: "group"),
            FieldDerivation(output: "amount", inputs: ["amount"], how: "sum"),
            FieldDerivation(output: "orders", inputs: [], how: "count"),
        ])
    }

    static let spread = try! batch(
        """
        [{"g": "a", "v": 1}, {"g": "a", "v": 2.0}, {"g": "b", "v": 7}, {"g": "a", "v": "4"}, {"g": "c", "v": null},
         {"g": "a", "v": 5}, {"g": "c", "v": "x"}, {"g": "d", "v": 3}, {"g": "d", "v": 1}, {"g": "d", "v": 2}]
        """)

    @Test func arrayFormNamesEachFunctionsOutput() throws {
        let out = try aggregateBothLayouts(
            #"{"groupBy": ["g"], "aggregations": {"v": ["sum", "avg", "count", "min", "max", "median", "stddev"]}}"#, Self.spread)
        // stddev of a is sqrt(10/3) and of d is 1, as DuckDB's stddev_samp gives them.
        #expect(out == """
            [{"g":"a","v_sum":12.0,"v_avg":3.0,"v_count":4,"v_min":1,"v_max":5,"v_median":3.0,"v_stddev":1.8257418583505538},\
            {"g":"b","v_sum":7,"v_avg":7.0,"v_count":1,"v_min":7,"v_max":7,"v_median":7.0,"v_stddev":null},\
            {"g":"c","v_sum":0,"v_avg":null,"v_count":2,"v_min":null,"v_max":null,"v_median":null,"v_stddev":null},\
            {"g":"d","v_sum":6,"v_avg":2.0,"v_count":3,"v_min":1,"v_max":3,"v_median":2.0,"v_stddev":1.0}]
            """)
    }

    @Test func objectFormNamesItsOutputAndMixesWithTheOthers() throws {
        let out = try aggregateBothLayouts(
            """
            {"groupBy": ["g"], "aggregations": {"mid": {"field": "v", "function": "median"}, "v": "max",
             "n": {"function": "count", "field": "v"}, "spread": {"field": "v", "function": "stddev"}}}
            """, Self.spread)
        #expect(out == """
            [{"g":"a","mid":3.0,"v":5,"n":4,"spread":1.8257418583505538},{"g":"b","mid":7.0,"v":7,"n":1,"spread":null},\
            {"g":"c","mid":null,"v":null,"n":2,"spread":null},{"g":"d","mid":2.0,"v":3,"n":3,"spread":1.0}]
            """)
    }

    @Test func medianOfEvenCountsAveragesTheMiddlePair() throws {
        let values = [10, -3, 7, 7, 2.5, 100, 0, 7] as [Value]
        let input = RecordBatch(records: values.map { ValueObject([("v", $0)]) })
        // Sorted: -3, 0, 2.5, 7, 7, 7, 10, 100 → (7 + 7) / 2; without the last 7: (2.5 + 7) / 2.
        #expect(try aggregate(#"{"aggregations": {"v": "median"}}"#, [input]) == #"[{"v":7.0}]"#)
        #expect(try aggregate(#"{"aggregations": {"v": "median"}}"#, [input.selecting(Array(0..<7))]) == #"[{"v":7.0}]"#)
        #expect(try aggregate(#"{"aggregations": {"v": "median"}}"#, [input.selecting([0, 1, 2, 4, 5, 6])]) == #"[{"v":4.75}]"#)
        #expect(try aggregate(#"{"aggregations": {"v": "median"}}"#, [RecordBatch.empty]) == #"[{"v":null}]"#)
    }

    @Test func selectionAgreesWithSortingOnAwkwardInputs() {
        var random = DuckDBOracle.Generator(state: 9)
        let inputs: [[Double]] = [
            (0..<1001).map(Double.init), (0..<1000).map { Double(1000 - $0) }, Array(repeating: 4.5, count: 777),
            (0..<5000).map { _ in Double(random.below(7)) }, (0..<4096).map { _ in Double(random.below(1_000_000)) / 7 },
            [2, 1], [1], (0..<33).map { Double($0 % 2) },
        ]
        for input in inputs {
            let sorted = input.sorted()
            let n = sorted.count
            let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            var copy = input
            let median = copy.withUnsafeMutableBufferPointer { MedianAccumulator.median($0) }
            #expect(median == expected, "n = \(n)")
        }
    }

    @Test func mergedMediansAndDeviationsMatchOneRun() throws {
        let config = #"{"groupBy": ["g"], "aggregations": {"v": ["median", "stddev", "count"]}}"#
        let rows = (0..<3000).map { (i: Int) -> ValueObject in
            let v: Value = i % 11 == 0 ? .null : .double(Double(i * 37 % 101) / 4)
            return ValueObject([("g", .int(i % 7)), ("v", v)])
        }
        let oneRun = try make(Aggregate.self, config)
        var whole = oneRun.makeState()
        _ = try oneRun.consume(RecordBatch(records: rows), into: &whole)
        var parts = [oneRun.makeState(), oneRun.makeState()]
        // The second state sees the groups in another order, so merging must map group numbers.
        _ = try oneRun.consume(RecordBatch(records: Array(rows[0..<1000])), into: &parts[0])
        _ = try oneRun.consume(RecordBatch(records: Array(rows[1000...].reversed())), into: &parts[1])
        oneRun.merge(&parts[0], parts[1])
        let expected = try oneRun.finish(whole).records
        let merged = try oneRun.finish(parts[0]).records
        #expect(merged.count == 7)
        for (a, b) in zip(merged, expected) {
            #expect(a["g"] == b["g"])
            #expect(a["v_median"] == b["v_median"])
            #expect(a["v_count"] == b["v_count"])
            #expect(DuckDBOracle.close(a["v_stddev"], b["v_stddev"]))
        }
    }

    @Test func estimatedBytesCountsKeptValues() throws {
        let aggregate = try make(Aggregate.self, #"{"groupBy": ["g"], "aggregations": {"v": ["median", "sum"]}}"#)
        var state = aggregate.makeState()
        let empty = aggregate.estimatedBytes(of: state)
        _ = try aggregate.consume(RecordBatch(records: (0..<1000).map { ValueObject([("g", .int($0 % 10)), ("v", .int($0))]) }), into: &state)
        let small = aggregate.estimatedBytes(of: state)
        _ = try aggregate.consume(RecordBatch(records: (0..<100_000).map { ValueObject([("g", .int($0 % 10)), ("v", .int($0))]) }), into: &state)
        let large = aggregate.estimatedBytes(of: state)
        // Medians keep 12 bytes per value; the ten groups' tables stay the same size.
        #expect(small > empty)
        #expect(large - small >= 100_000 * 12)
        #expect(large - small < 100_000 * 12 * 3)
        // Many groups grow the group table.
        var groups = aggregate.makeState()
        _ = try aggregate.consume(RecordBatch(records: (0..<50_000).map { ValueObject([("g", .string("key-\($0)")), ("v", .int(1))]) }), into: &groups)
        #expect(aggregate.estimatedBytes(of: groups) > 50_000 * (12 + 8 + 40))
    }

    @Test func newFormErrors() throws {
        #expect(aggregateError(#"{"aggregations": {"amount": ["sum", "avg", "total"]}}"#) == "aggregations.amount[2]: unknown aggregation 'total'; expected one of sum, avg, min, max, count, median, stddev, countDistinct, countNonNull, variance, variance_pop, stddev_pop, percentile, first, last, collect")
        #expect(aggregateError(#"{"aggregations": {"total": {"field": "amount", "function": "mean"}}}"#) == "aggregations.total.function: unknown aggregation 'mean'; expected one of sum, avg, min, max, count, median, stddev, countDistinct, countNonNull, variance, variance_pop, stddev_pop, percentile, first, last, collect")
        #expect(aggregateError(#"{"aggregations": {"total": {"field": "amount"}}}"#) == "aggregations.total.function: required field is missing")
        #expect(aggregateError(#"{"aggregations": {"total": {"field": "amount", "function": "sum", "as": "x"}}}"#) == "aggregations.total.as: give either field (the key 'total' then names the output) or as (the key then names the input field), not both")
        #expect(aggregateError(#"{"aggregations": {"total": {"field": 3, "function": "sum"}}}"#) == "aggregations.total.field: expected a string, found number")
        #expect(aggregateError(#"{"aggregations": {"amount": []}}"#) == #"aggregations.amount: expected at least one function, as ["sum", "avg"]"#)
        #expect(aggregateError(#"{"aggregations": {"amount": ["sum", 2]}}"#) == #"aggregations.amount[1]: expected a function name or {"function": "sum", "as": "total"}, found number"#)
        #expect(aggregateError(#"{"aggregations": {"amount": ["sum", "max", "sum"]}}"#) == "aggregations.amount[2]: duplicate function 'sum'")
        #expect(aggregateError(#"{"aggregations": {"amount": ["sum"], "amount_sum": "count"}}"#) == "aggregations.amount_sum: output field 'amount_sum' is also produced by aggregations.amount[0]")
        #expect(aggregateError(#"{"groupBy": ["v_max"], "aggregations": {"v": ["min", "max"]}}"#) == "aggregations.v[1]: 'v_max' is also a groupBy field; the output cannot hold two fields of that name")
        #expect(aggregateError(#"{"groupBy": ["g"], "aggregations": {"g": {"field": "v", "function": "sum"}}}"#) == "aggregations.g: 'g' is also a groupBy field; the output cannot hold two fields of that name")
    }

    @Test func lineageOfEveryForm() throws {
        let aggregate = try make(Aggregate.self, #"{"aggregations": {"v": ["median", "count"], "t": {"field": "w", "function": "stddev"}}}"#)
        #expect(aggregate.lineage(inputFields: ["v", "w"]) == [
            FieldDerivation(output: "v_median", inputs: ["v"], how: "median"),
            FieldDerivation(output: "v_count", inputs: [], how: "count"),
            FieldDerivation(output: "t", inputs: ["w"], how: "stddev"),
        ])
    }
}

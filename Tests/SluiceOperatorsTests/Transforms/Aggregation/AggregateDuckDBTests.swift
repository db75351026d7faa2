import SluiceCore
import Testing

@testable import SluiceOperators

/// The statistics, order and list aggregations, `having` and global aggregates against
/// DuckDB's `GROUP BY` on the same generated rows.
///
/// Groups include the empty string, unicode, a null group (null and missing keys), a group
/// whose values are all null and a group of one row. Sluice consumes three contiguous parts of
/// the input into three states, some batches in the `[Value]` layout, and merges them in input
/// order as the engine does, so `first`, `last` and `collect` must merge in order.
@Suite struct AggregateDuckDBTests {
    static let rowCount = 6000

    /// Rows `{i, g, v, t}` as records and as NDJSON.
    static func generate() -> (records: [ValueObject], ndjson: String) {
        var random = DuckDBOracle.Generator(state: 11)
        let groups: [Value] = ["north", "south", "", "Zürich", "東京", .null, "allnull"]
        let texts = ["a", "b", "", "ünï", "日本", "a "]
        var records: [ValueObject] = []
        var ndjson = ""
        for i in 0..<rowCount {
            let g: Value = i == 77 ? "one" : groups[random.below(groups.count)]
            var pairs: [(String, Value)] = [("i", .int(i))]
            if !g.isNull || random.below(2) == 0 { pairs.append(("g", g)) }
            switch random.below(16) {
            case 0, 1: pairs.append(("v", .null))
            case 2: break
            case 3...8: pairs.append(("v", .int(random.below(201) - 100)))
            default: pairs.append(("v", .double(Double(random.below(4001) - 2000) / 4)))
            }
            if g == "allnull", pairs.count == 3 { pairs[2] = ("v", .null) }
            switch random.below(8) {
            case 0: pairs.append(("t", .null))
            case 1: break
            default: pairs.append(("t", .string(texts[random.below(texts.count)])))
            }
            let record = ValueObject(pairs)
            records.append(record)
            ndjson += JSONText.string(.object(record)) + "\n"
        }
        return (records, ndjson)
    }

    static let table = "read_json('$CSV', format = 'newline_delimited', columns = {i: 'BIGINT', g: 'VARCHAR', v: 'DOUBLE', t: 'VARCHAR'})"

    /// Runs `configJSON` over `records` in three contiguous parts merged in order (batches of
    /// 500, every third one in the `[Value]` layout, and the one after it with text
    /// dictionary-encoded).
    static func run(_ configJSON: String, _ records: [ValueObject]) throws -> [ValueObject] {
        let aggregate = try make(Aggregate.self, configJSON)
        let third = (records.count + 2) / 3
        var states: [AggregateState] = []
        for part in stride(from: 0, to: max(records.count, 1), by: max(third, 1)) {
            var state = aggregate.makeState()
            for (n, start) in stride(from: part, to: min(part + third, records.count), by: 500).enumerated() {
                let batch = RecordBatch(records: Array(records[start..<min(start + 500, part + third, records.count)]))
                _ = try aggregate.consume(n % 3 == 2 ? valuesLayout(batch) : n % 3 == 1 ? dictionaryLayout(batch) : batch, into: &state)
            }
            states.append(state)
        }
        var merged = states[0]
        for state in states.dropFirst() { aggregate.merge(&merged, state) }
        return try aggregate.finish(merged).records
    }

    /// Compares rows matched by group `g`, on every field of `fields`.
    static func compareByGroup(_ actual: [ValueObject], _ oracle: [ValueObject], fields: [String], label: String) {
        func key(_ row: ValueObject) -> String { "\(row["g"] ?? .null)" }
        let byKey = Dictionary(uniqueKeysWithValues: oracle.map { (key($0), $0) })
        #expect(Set(actual.map(key)) == Set(byKey.keys), "\(label): groups differ")
        DuckDBOracle.compare(actual, actual.map { byKey[key($0)] ?? ValueObject() }, fields: fields.map { ($0, $0) }, label: label)
    }

    @Test func newFunctionsMatchDuckDB() async throws {
        let (records, ndjson) = Self.generate()
        let oracle = try await DuckDBOracle.query(
            """
            SELECT g, count(DISTINCT v) AS v_countDistinct, var_samp(v) AS v_variance, var_pop(v) AS v_variance_pop,
                   stddev_pop(v) AS v_stddev_pop, stddev_samp(v) AS v_stddev, quantile_cont(v, 0.1) AS v_p10,
                   quantile_cont(v, 0.5) AS v_p50, quantile_cont(v, 0.9) AS v_p90, first(v ORDER BY i) AS v_first,
                   last(v ORDER BY i) AS v_last, list(v ORDER BY i) AS v_collect, count(*) AS v_count,
                   count(DISTINCT t) AS t_distinct, first(t ORDER BY i) AS t_first, last(t ORDER BY i) AS t_last,
                   list(t ORDER BY i) AS t_list
            FROM \(Self.table) GROUP BY g
            """, csv: ndjson)
        #expect(oracle.count == 8)
        let result = try Self.run(
            """
            {"groupBy": ["g"], "aggregations": {
              "v": ["countDistinct", "variance", "variance_pop", "stddev_pop", "stddev", {"function": "percentile", "p": 0.1},
                    {"function": "percentile", "p": 0.5}, {"function": "percentile", "p": 0.9}, "first", "last", "collect", "count"],
              "t_distinct": {"field": "t", "function": "countDistinct"}, "t_first": {"field": "t", "function": "first"},
              "t_last": {"field": "t", "function": "last"}, "t_list": {"field": "t", "function": "collect"}}}
            """, records)
        let fields = [
            "v_countDistinct", "v_variance", "v_variance_pop", "v_stddev_pop", "v_stddev", "v_p10", "v_p50", "v_p90", "v_first",
            "v_last", "v_collect", "v_count", "t_distinct", "t_first", "t_last", "t_list",
        ]
        Self.compareByGroup(result, oracle, fields: fields, label: "aggregate")
        // The all-null group and the one-row group are what they should be, not merely equal.
        let allNull = result.first { $0["g"] == "allnull" }
        #expect(allNull?["v_countDistinct"] == 0 && allNull?["v_variance_pop"] == .null && allNull?["v_p50"] == .null)
        #expect(result.first { $0["g"] == "one" }?["v_count"] == 1)
    }

    @Test func havingMatchesDuckDB() async throws {
        let (records, ndjson) = Self.generate()
        let oracle = try await DuckDBOracle.query(
            """
            SELECT g, sum(v) AS total, quantile_cont(v, 0.5) AS mid, count(*) AS n FROM \(Self.table) GROUP BY g
            HAVING sum(v) > 0 AND g IS NOT NULL AND (quantile_cont(v, 0.5) < 10 OR starts_with(g, 'Z') OR NOT (count(*) >= 800))
            """, csv: ndjson)
        let result = try Self.run(
            """
            {"groupBy": ["g"], "aggregations": {"v": [{"function": "sum", "as": "total"}, {"function": "percentile", "p": 0.5, "as": "mid"}],
                                                "n": "count"},
             "having": {"and": [{"field": "total", "operator": "gt", "value": 0}, {"not": {"field": "g", "operator": "isNull"}},
                                {"or": [{"field": "mid", "operator": "lt", "value": 10}, {"field": "g", "operator": "startsWith", "value": "Z"},
                                        {"not": {"field": "n", "operator": "gte", "value": 800}}]}]}}
            """, records)
        #expect(!oracle.isEmpty && oracle.count < 8)
        Self.compareByGroup(result, oracle, fields: ["total", "mid", "n"], label: "having")
    }

    @Test func globalAggregatesMatchDuckDB() async throws {
        let (records, ndjson) = Self.generate()
        let select = """
            SELECT count(*) AS n, count(DISTINCT v) AS v_countDistinct, var_pop(v) AS v_variance_pop, variance(v) AS v_variance,
                   quantile_cont(v, 0.9) AS v_p90, first(v ORDER BY i) AS v_first, last(v ORDER BY i) AS v_last,
                   list(t ORDER BY i) AS t_list, avg(v) AS v_avg FROM \(Self.table)
            """
        let config = """
            {"aggregations": {"n": "count", "v": ["countDistinct", "variance_pop", "variance", {"function": "percentile", "p": 0.9},
                              "first", "last", "avg"], "t_list": {"field": "t", "function": "collect"}}}
            """
        let fields = ["n", "v_countDistinct", "v_variance_pop", "v_variance", "v_p90", "v_first", "v_last", "t_list", "v_avg"]
        for (label, sqlWhere, rows) in [("all rows", "", records), ("no rows", " WHERE i < 0", [])] {
            let oracle = try await DuckDBOracle.query(select + sqlWhere, csv: ndjson)
            let result = try Self.run(config, rows)
            #expect(result.count == 1)
            DuckDBOracle.compare(result, oracle, fields: fields.map { ($0, $0) }, label: label)
        }
    }
}

/// `countNonNull` (SQL `count(x)`) against DuckDB beside `count` (SQL `count(*)`), on the same
/// generated rows: `v` is null or missing in about one row in five, `t` in one in four, and one
/// group holds only nulls.
@Suite struct CountNonNullDuckDBTests {
    @Test func countNonNullIsCountOfTheFieldAndCountIsCountStar() async throws {
        let (records, ndjson) = AggregateDuckDBTests.generate()
        let oracle = try await DuckDBOracle.query(
            """
            SELECT g, count(v) AS v_countNonNull, count(*) AS v_count, count(t) AS t_countNonNull, count(DISTINCT t) AS t_countDistinct
            FROM \(AggregateDuckDBTests.table) GROUP BY g
            """, csv: ndjson)
        #expect(oracle.count == 8)
        let result = try AggregateDuckDBTests.run(
            #"{"groupBy": ["g"], "aggregations": {"v": ["countNonNull", "count"], "t": ["countNonNull", "countDistinct"]}}"#, records)
        AggregateDuckDBTests.compareByGroup(
            result, oracle, fields: ["v_countNonNull", "v_count", "t_countNonNull", "t_countDistinct"], label: "countNonNull")
        // The two counts differ where there are nulls: the all-null group has rows but no values.
        let allNull = result.first { $0["g"] == "allnull" }
        #expect(allNull?["v_countNonNull"] == 0)
        #expect((allNull?["v_count"]?.number ?? 0) > 0)
        let differing = result.filter { $0["v_countNonNull"] != $0["v_count"] }
        #expect(differing.count >= 7)
    }

    @Test func globalCountsOverAllRowsAndNoRows() async throws {
        let (records, ndjson) = AggregateDuckDBTests.generate()
        let select = "SELECT count(v) AS v_countNonNull, count(*) AS n, count(t) AS t FROM \(AggregateDuckDBTests.table)"
        let config = #"{"aggregations": {"v": "countNonNull", "n": "count", "t": {"function": "countNonNull"}}}"#
        for (label, sqlWhere, rows) in [("all rows", "", records), ("no rows", " WHERE i < 0", [])] {
            let oracle = try await DuckDBOracle.query(select + sqlWhere, csv: ndjson)
            let result = try AggregateDuckDBTests.run(config, rows)
            #expect(result.count == 1)
            DuckDBOracle.compare(result, oracle, fields: [("v", "v_countNonNull"), ("n", "n"), ("t", "t")], label: label)
        }
    }
}

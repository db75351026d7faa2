import SluiceCore
import Testing

@testable import SluiceOperators

/// Every filter operator and nested `and` / `or` / `not` conditions against DuckDB's `WHERE`
/// on the same generated rows: nulls, absent keys, empty strings, unicode, negative numbers.
///
/// The SQL beside each condition is what the condition means: orderings, ranges, text tests and
/// `notIn` are SQL's (unknown on NULL); `eq`, `ne` and `in` are JavaScript's, definite on null,
/// so they read as `IS NOT DISTINCT FROM`, `IS DISTINCT FROM` and `coalesce(… IN …, false)`.
@Suite struct FilterDuckDBTests {
    static let rowCount = 3000

    /// Rows `{i, s, n, d}` as records and as NDJSON; a null cell is sometimes null and
    /// sometimes a missing key.
    static func generate() -> (records: [ValueObject], ndjson: String) {
        var random = DuckDBOracle.Generator(state: 7)
        let strings = ["apple", "Apple", "banana", "", "Äpfel", "naïve", "日本語", "a.b", "abc123", "ABC", "  pad ", "x_y%z", "ümlaut", "ß", "b"]
        var records: [ValueObject] = []
        var ndjson = ""
        for i in 0..<rowCount {
            var pairs: [(String, Value)] = [("i", .int(i))]
            func maybe(_ name: String, _ value: @autoclosure () -> Value) {
                switch random.below(20) {
                case 0, 1: pairs.append((name, .null))
                case 2: break
                default: pairs.append((name, value()))
                }
            }
            maybe("s", .string(strings[random.below(strings.count)]))
            maybe("n", .int(random.below(101) - 50))
            maybe("d", .double(Double(random.below(2001) - 1000) / 8))
            let record = ValueObject(pairs)
            records.append(record)
            ndjson += JSONText.string(.object(record)) + "\n"
        }
        return (records, ndjson)
    }

    /// (condition, the same as a SQL boolean expression).
    static let cases: [(String, String)] = [
        (#"{"field": "n", "operator": "isNull"}"#, "n IS NULL"),
        (#"{"field": "s", "operator": "notNull"}"#, "s IS NOT NULL"),
        (#"{"field": "s", "operator": "startsWith", "value": "a"}"#, "starts_with(s, 'a')"),
        (#"{"field": "s", "operator": "startsWith", "value": "Ä"}"#, "starts_with(s, 'Ä')"),
        (#"{"field": "s", "operator": "endsWith", "value": "e"}"#, "suffix(s, 'e')"),
        (#"{"field": "s", "operator": "regex", "value": "^[a-z]+$"}"#, "regexp_matches(s, '^[a-z]+$')"),
        (#"{"field": "s", "operator": "regex", "value": "[0-9]|本|ï"}"#, "regexp_matches(s, '[0-9]|本|ï')"),
        (#"{"field": "s", "operator": "regex", "value": "(?i)^a"}"#, "regexp_matches(s, '(?i)^a')"),
        (#"{"field": "s", "operator": "regex", "value": "^.{5}$"}"#, "regexp_matches(s, '^.{5}$')"),
        (#"{"field": "n", "operator": "between", "value": [-10, 10]}"#, "n BETWEEN -10 AND 10"),
        (#"{"field": "d", "operator": "between", "value": [-12.5, 40.25]}"#, "d BETWEEN -12.5 AND 40.25"),
        (#"{"field": "s", "operator": "between", "value": ["a", "b"]}"#, "s BETWEEN 'a' AND 'b'"),
        (#"{"field": "n", "operator": "notIn", "value": [1, 2, 3, -4]}"#, "n NOT IN (1, 2, 3, -4)"),
        (#"{"field": "s", "operator": "notIn", "value": ["apple", "", "日本語"]}"#, "s NOT IN ('apple', '', '日本語')"),
        (#"{"field": "n", "operator": "notIn", "value": [1, null]}"#, "n NOT IN (1, NULL)"),
        (#"{"not": {"field": "d", "operator": "gte", "value": 0}}"#, "NOT (d >= 0)"),
        (#"{"not": {"field": "s", "operator": "eq", "value": "apple"}}"#, "NOT (s IS NOT DISTINCT FROM 'apple')"),
        (#"{"not": {"field": "s", "operator": "contains", "value": "a"}}"#, "NOT contains(s, 'a')"),
        (#"{"not": {"field": "s", "operator": "regex", "value": "^[A-Z]"}}"#, "NOT regexp_matches(s, '^[A-Z]')"),
        (
            #"{"and": [{"field": "s", "operator": "in", "value": ["apple", "banana"]}, {"field": "n", "operator": "lte", "value": 0}]}"#,
            "coalesce(s IN ('apple', 'banana'), false) AND n <= 0"
        ),
        (
            #"{"or": [{"field": "n", "operator": "ne", "value": 3}, {"field": "d", "operator": "gt", "value": 100}]}"#,
            "n IS DISTINCT FROM 3 OR d > 100"
        ),
        (
            """
            {"or": [{"and": [{"field": "n", "operator": "gt", "value": 0}, {"not": {"field": "s", "operator": "startsWith", "value": "a"}}]},
                    {"not": {"or": [{"field": "d", "operator": "lt", "value": 0}, {"field": "n", "operator": "notIn", "value": [5, 6, 7]}]}}]}
            """,
            "(n > 0 AND NOT starts_with(s, 'a')) OR NOT (d < 0 OR n NOT IN (5, 6, 7))"
        ),
        (
            """
            {"not": {"and": [{"field": "n", "operator": "between", "value": [-5, 5]}, {"not": {"field": "d", "operator": "isNull"}},
                             {"or": [{"field": "s", "operator": "endsWith", "value": "a"}, {"field": "d", "operator": "gt", "value": -30}]}]}}
            """,
            "NOT (n BETWEEN -5 AND 5 AND NOT (d IS NULL) AND (suffix(s, 'a') OR d > -30))"
        ),
    ]

    @Test func everyOperatorAndNestingMatchesDuckDB() async throws {
        let (records, ndjson) = Self.generate()
        let columns = (0..<Self.cases.count).map { i in
            "coalesce(list(i ORDER BY i) FILTER (WHERE \(Self.cases[i].1)), []) AS c\(i)"
        }
        let oracle = try await DuckDBOracle.query(
            """
            SELECT \(columns.joined(separator: ", "))
            FROM read_json('$CSV', format = 'newline_delimited', columns = {i: 'BIGINT', s: 'VARCHAR', n: 'BIGINT', d: 'DOUBLE'})
            """, csv: ndjson)
        guard let truth = oracle.first else { throw TestFailure("DuckDB returned no row") }
        let batches = stride(from: 0, to: records.count, by: 700).map { RecordBatch(records: Array(records[$0..<min($0 + 700, records.count)])) }
        for (i, (config, sql)) in Self.cases.enumerated() {
            let filter = try make(Filter.self, config)
            var kept: [Value] = []
            for batch in batches {
                let typed = try filter.process(batch).batch
                #expect(try filter.process(valuesLayout(batch)).batch.positions == typed.positions, "layouts disagree: \(sql)")
                #expect(try filter.process(dictionaryLayout(batch)).batch.positions == typed.positions, "dictionary text: \(sql)")
                #expect(try filter.process(DuckDBDifferentialTests.textLayout(batch, field: "n")).batch.positions == typed.positions, "text n: \(sql)")
                kept += typed.records.map { $0["i"] ?? .null }
            }
            let expected = truth["c\(i)"]?.arrayValue ?? []
            #expect(kept == expected, "\(sql): kept \(kept.count) rows, DuckDB \(expected.count)")
            // Every case but the NOT IN with a NULL keeps something and drops something.
            #expect((!expected.isEmpty || sql.contains("NULL)")) && expected.count < records.count, "\(sql) is vacuous: \(expected.count) rows")
        }
    }
}

import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Cleaning operations against DuckDB on generated NDJSON.
@Suite struct CleaningDuckDBTests {
    /// Text with surrounding spaces (ASCII, no-break and ideographic, which DuckDB's `trim`
    /// also removes), mixed case, accents, CJK, empty strings and nulls.
    static func texts(_ count: Int, seed: UInt64) -> [Value] {
        let cores = ["Ana", "ÉCOLE", "straSSe", "Ωmega", "日本", "", "a b", "Ünï-Cödé", "x'Y", "ǅ", "123"]
        let pads = ["", " ", "  ", "\u{A0}", "\u{3000}", " \u{A0} "]
        var random = DuckDBOracle.Generator(state: seed)
        return (0..<count).map { _ in
            random.below(9) == 0 ? .null : .string(pads[random.below(pads.count)] + cores[random.below(cores.count)] + pads[random.below(pads.count)])
        }
    }

    @Test func trimLowerUpperMatchDuckDB() async throws {
        let values = Self.texts(4000, seed: 21)
        let records = values.enumerated().map { ValueObject([("i", .int($0.offset)), ("s", $0.element)]) }
        let expected = try await FieldsDuckDBTests.query(
            "SELECT i, trim(s) AS t, lower(s) AS l, upper(s) AS u, lower(trim(s)) AS lt FROM read_json('$CSV', columns = {i: 'BIGINT', s: 'VARCHAR'}) ORDER BY i",
            records: records)
        let input = RecordBatch(records: values.enumerated().map { ValueObject([("i", .int($0.offset)), ("t", $0.element), ("l", $0.element), ("u", $0.element), ("lt", $0.element)]) })
        var out = try make(TrimText.self, #"{"fields": ["t", "lt"]}"#).process(input).batch
        out = try make(NormalizeText.self, #"{"fields": ["l", "lt"], "case": "lower"}"#).process(out).batch
        out = try make(NormalizeText.self, #"{"fields": ["u"], "case": "upper"}"#).process(out).batch
        #expect(DuckDBOracle.compare(out.records, expected, fields: [("t", "t"), ("l", "l"), ("u", "u"), ("lt", "lt")], label: "trim/lower/upper") == 0)
        // The general layout gives the same.
        var general = try make(TrimText.self, #"{"fields": ["t", "lt"]}"#).process(valuesLayout(input)).batch
        general = try make(NormalizeText.self, #"{"fields": ["l", "lt"], "case": "lower"}"#).process(general).batch
        general = try make(NormalizeText.self, #"{"fields": ["u"], "case": "upper"}"#).process(general).batch
        #expect(text(general) == text(out))
    }

    @Test func removeNullsMatchesWhereIsNotNull() async throws {
        var random = DuckDBOracle.Generator(state: 8)
        let records: [ValueObject] = (0..<3000).map { i in
            ValueObject([
                ("i", .int(i)), ("a", random.below(5) == 0 ? .null : .int(random.below(100) - 50)),
                ("b", random.below(4) == 0 ? .null : .string(["", "x", "ü"][random.below(3)])),
            ])
        }
        let columns = "columns = {i: 'BIGINT', a: 'BIGINT', b: 'VARCHAR'}"
        let batches = stride(from: 0, to: records.count, by: 700).map { RecordBatch(records: Array(records[$0..<min($0 + 700, records.count)])) }
        for (config, condition) in [(#"{"fields": ["a"]}"#, "a IS NOT NULL"), ("{}", "a IS NOT NULL AND b IS NOT NULL AND i IS NOT NULL")] {
            let expected = try await FieldsDuckDBTests.query("SELECT * FROM read_json('$CSV', \(columns)) WHERE \(condition) ORDER BY i", records: records)
            let remove = try make(RemoveNulls.self, config)
            let out = try batches.flatMap { try remove.process($0).batch.records }
            #expect(DuckDBOracle.compare(out, expected, fields: [("i", "i"), ("a", "a"), ("b", "b")], label: "removeNulls \(config)") == 0)
        }
    }

    @Test func fillNullsStatisticsMatchDuckDBAggregates() async throws {
        var random = DuckDBOracle.Generator(state: 17)
        let records: [ValueObject] = (0..<5000).map { i in
            ValueObject([
                ("i", .int(i)),
                ("n", random.below(6) == 0 ? .null : .int(random.below(2001) - 1000)),
                ("d", random.below(5) == 0 ? .null : .double(Double(random.below(100_000)) / 64 - 500)),
                ("m", random.below(7) == 0 ? .null : .string(["red", "green", "blue", "", "grün"][min(random.below(6), random.below(5))])),
                ("f", random.below(3) == 0 ? .null : .int(random.below(10))),
            ])
        }
        let expected = try await FieldsDuckDBTests.query(
            """
            WITH t AS (SELECT * FROM read_json('$CSV', columns = {i: 'BIGINT', n: 'BIGINT', d: 'DOUBLE', m: 'VARCHAR', f: 'BIGINT'}))
            SELECT i, coalesce(n, avg(n) OVER ()) AS n_mean, coalesce(n, median(n) OVER ()) AS n_median,
                   coalesce(d, avg(d) OVER ()) AS d_mean, coalesce(d, median(d) OVER ()) AS d_median,
                   coalesce(m, (SELECT mode(m) FROM t)) AS m_mode,
                   coalesce(f, last_value(f IGNORE NULLS) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS f_forward
            FROM t ORDER BY i
            """,
            records: records)
        let input = RecordBatch(records: records.map { r in
            ValueObject([
                ("n_mean", r["n"] ?? .null), ("n_median", r["n"] ?? .null), ("d_mean", r["d"] ?? .null), ("d_median", r["d"] ?? .null),
                ("m_mode", r["m"] ?? .null), ("f_forward", r["f"] ?? .null),
            ])
        })
        let fill = try make(
            FillNulls.self,
            """
            {"fields": {"n_mean": {"strategy": "mean"}, "n_median": {"strategy": "median"}, "d_mean": {"strategy": "mean"},
                        "d_median": {"strategy": "median"}, "m_mode": {"strategy": "mode"}, "f_forward": {"strategy": "forward"}}}
            """)
        var state = fill.makeState()
        for start in stride(from: 0, to: input.count, by: 1024) {
            let part = input.selecting(Array(start..<min(start + 1024, input.count)))
            #expect(try fill.consume(part, into: &state).batch.isEmpty)
        }
        let out = try fill.finish(state)
        let fields = ["n_mean", "n_median", "d_mean", "d_median", "m_mode", "f_forward"]
        #expect(DuckDBOracle.compare(out.records, expected, fields: fields.map { ($0, $0) }, label: "fillNulls") == 0)
        // Forward alone streams batch by batch and gives the same column.
        let forward = try make(FillNulls.self, #"{"fields": {"f_forward": {"strategy": "forward"}}}"#)
        var forwardState = forward.makeState()
        var streamed: [ValueObject] = []
        for start in stride(from: 0, to: input.count, by: 333) {
            streamed += try forward.consume(input.selecting(Array(start..<min(start + 333, input.count))), into: &forwardState).batch.records
        }
        #expect(DuckDBOracle.compare(streamed, expected, fields: [("f_forward", "f_forward")], label: "forward streaming") == 0)
    }
}

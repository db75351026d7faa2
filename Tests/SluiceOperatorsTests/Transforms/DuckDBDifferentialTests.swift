import SluiceTestSupport
import Foundation
import SluiceCore
import Testing

@testable import SluiceOperators

/// Filter + Filter + Aggregate, and every aggregate function, against DuckDB on the same
/// 20,000 generated rows.
///
/// Amounts mix doubles, ints, numeric strings, the odd non-numeric string and nulls; in the
/// CSV DuckDB reads they are all text and `TRY_CAST` to DOUBLE, which includes numeric
/// strings and drops the rest exactly as Sluice's numeric coercion does.
@Suite struct DuckDBDifferentialTests {
    static let rowCount = 20_000

    /// The generated rows as records, and the same rows as CSV text.
    static func generate() -> (records: [ValueObject], csv: String) {
        var random = DuckDBOracle.Generator(state: 42)
        let regions = ["EU", "US", "APAC", "LATAM", "MEA"]
        let statuses = ["active", "inactive", "pending"]
        var records: [ValueObject] = []
        var csv = "region,product,status,amount,quantity\n"
        for _ in 0..<rowCount {
            let region: Value = random.below(20) == 0 ? .null : .string(regions[random.below(regions.count)])
            let product: Value = .string("p\(random.below(20))")
            let status: Value = random.below(25) == 0 ? .null : .string(statuses[random.below(statuses.count)])
            let amount: Value
            switch random.below(20) {
            case 0, 1: amount = .null
            case 2, 3: amount = .string(String(Double(random.below(50_000)) / 100))
            case 4: amount = .string("n/a")
            case 5...10: amount = .int(random.below(1_000))
            default: amount = .double(Double(random.below(100_000)) / 100 + 0.001)
            }
            let quantity: Value = random.below(10) == 0 ? .null : .int(random.below(50) - 5)
            records.append(ValueObject([("region", region), ("product", product), ("status", status), ("amount", amount), ("quantity", quantity)]))
            csv += [region, product, status, amount, quantity].map { $0.isNull ? "" : $0.plainText }.joined(separator: ",") + "\n"
        }
        return (records, csv)
    }

    /// The batch with `field` stored as a text column (as a CSV reader may deliver it), so the
    /// byte-level number parsing of the filter and aggregate paths is compared too.
    static func textLayout(_ batch: RecordBatch, field: String) -> RecordBatch {
        guard let column = batch.column(named: field) else { return batch }
        var text = TextColumn()
        for row in 0..<batch.count {
            if column.isPresent(row) { text.append(column.value(at: row).plainText) } else { text.appendEmpty() }
        }
        var out = batch
        out.setColumn(Column(storage: .text(text), presence: column.presence), named: field)
        return out
    }

    @Test func filterThenAggregateMatchesDuckDB() async throws {
        let (records, csv) = Self.generate()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-duckdb-\(UUID().uuidString).csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let oracle = try await DuckDBOracle.query(
            """
            SELECT region, product, sum(a) AS a_sum, avg(a) AS a_avg, min(a) AS a_min, max(a) AS a_max, count(*) AS n,
                   coalesce(sum(q), 0) AS q_sum, avg(q) AS q_avg, min(q) AS q_min, max(q) AS q_max
            FROM (SELECT region, product, status, TRY_CAST(amount AS DOUBLE) AS a, TRY_CAST(quantity AS BIGINT) AS q
                  FROM read_csv('$CSV', all_varchar = true, header = true))
            WHERE status = 'active' AND a > 100
            GROUP BY region, product
            """, csvPath: path)
        #expect(oracle.count > 80)

        let filters = [
            try make(Filter.self, #"{"field": "status", "operator": "eq", "value": "active"}"#),
            try make(Filter.self, #"{"field": "amount", "operator": "gt", "value": 100}"#),
        ]
        // Each config names each field once, so the five functions are spread over three runs.
        let configs = [
            #"{"groupBy": ["region", "product"], "aggregations": {"amount": "sum", "quantity": "avg", "n": "count"}}"#,
            #"{"groupBy": ["region", "product"], "aggregations": {"amount": "min", "quantity": "max"}}"#,
            #"{"groupBy": ["region", "product"], "aggregations": {"amount": "avg", "quantity": "sum"}}"#,
            #"{"groupBy": ["region", "product"], "aggregations": {"amount": "max", "quantity": "min"}}"#,
        ]
        let expected: [[(output: String, oracle: String)]] = [
            [("amount", "a_sum"), ("quantity", "q_avg"), ("n", "n")],
            [("amount", "a_min"), ("quantity", "q_max")],
            [("amount", "a_avg"), ("quantity", "q_sum")],
            [("amount", "a_max"), ("quantity", "q_min")],
        ]
        func key(_ row: ValueObject) -> String { "\(row["region"] ?? .null)|\(row["product"] ?? .null)" }
        let oracleByKey = Dictionary(uniqueKeysWithValues: oracle.map { (key($0), $0) })

        for ((config, pairs), amountAsText) in zip(configs, expected).flatMap({ run in [(run, false), (run, true)] }) {
            let aggregate = try make(Aggregate.self, config)
            // Two partial states over alternating batches, merged, as parallel workers would.
            var states = [aggregate.makeState(), aggregate.makeState()]
            for (index, start) in stride(from: 0, to: records.count, by: 4096).enumerated() {
                var batch = RecordBatch(records: Array(records[start..<min(start + 4096, records.count)]))
                if amountAsText { batch = Self.textLayout(batch, field: "amount") }
                for filter in filters { batch = try filter.process(batch).batch }
                _ = try aggregate.consume(batch, into: &states[index % 2])
            }
            aggregate.merge(&states[0], states[1])
            let result = try aggregate.finish(states[0])
            #expect(result.count == oracle.count)
            for row in result.records {
                guard let truth = oracleByKey[key(row)] else {
                    Issue.record("group \(key(row)) is not in DuckDB's answer")
                    continue
                }
                for (output, column) in pairs {
                    #expect(DuckDBOracle.close(row[output], truth[column]), "\(key(row)) \(output): \(row[output] ?? .null) vs DuckDB \(column) \(truth[column] ?? .null)")
                }
            }
        }
    }

    @Test func everyAggregationFormMatchesDuckDB() async throws {
        let (records, csv) = Self.generate()
        let oracle = try await DuckDBOracle.query(
            // Read into a table first: DuckDB 2.0 pushes this query's TRY_CASTs into the CSV
            // reader, which then fails on "n/a" despite all_varchar.
            """
            CREATE TABLE raw AS SELECT * FROM read_csv('$CSV', all_varchar = true, header = true);
            SELECT region, product, coalesce(sum(a), 0) AS a_sum, avg(a) AS a_avg, count(*) AS n, min(a) AS a_min,
                   max(a) AS a_max, median(a) AS a_median, stddev_samp(a) AS a_sd, median(q) AS q_median,
                   stddev_samp(q) AS q_sd
            FROM (SELECT region, product, TRY_CAST(amount AS DOUBLE) AS a, TRY_CAST(quantity AS BIGINT) AS q
                  FROM raw)
            GROUP BY region, product
            """, csv: csv)
        #expect(oracle.count == 120)
        let aggregate = try make(
            Aggregate.self,
            """
            {"groupBy": ["region", "product"],
             "aggregations": {"amount": ["sum", "avg", "count", "min", "max", "median", "stddev"],
                              "q_median": {"field": "quantity", "function": "median"},
                              "q_sd": {"field": "quantity", "function": "stddev"}}}
            """)
        // Three partial states over round-robin batches, every other one with amounts as text, merged.
        var states = [aggregate.makeState(), aggregate.makeState(), aggregate.makeState()]
        for (index, start) in stride(from: 0, to: records.count, by: 1000).enumerated() {
            var batch = RecordBatch(records: Array(records[start..<min(start + 1000, records.count)]))
            if index % 2 == 1 { batch = Self.textLayout(batch, field: "amount") }
            _ = try aggregate.consume(batch, into: &states[index % 3])
        }
        aggregate.merge(&states[0], states[1])
        aggregate.merge(&states[0], states[2])
        let result = try aggregate.finish(states[0])
        #expect(result.fields == [
            "region", "product", "amount_sum", "amount_avg", "amount_count", "amount_min", "amount_max", "amount_median",
            "amount_stddev", "q_median", "q_sd",
        ])
        func key(_ row: ValueObject) -> String { "\(row["region"] ?? .null)|\(row["product"] ?? .null)" }
        let oracleByKey = Dictionary(uniqueKeysWithValues: oracle.map { (key($0), $0) })
        let ordered = result.records.map { oracleByKey[key($0)] ?? ValueObject() }
        DuckDBOracle.compare(
            result.records, ordered,
            fields: [
                ("amount_sum", "a_sum"), ("amount_avg", "a_avg"), ("amount_count", "n"), ("amount_min", "a_min"),
                ("amount_max", "a_max"), ("amount_median", "a_median"), ("amount_stddev", "a_sd"), ("q_median", "q_median"),
                ("q_sd", "q_sd"),
            ], label: "aggregate")
    }
}

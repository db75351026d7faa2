import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Runs a dedupe over `batches`; returns what each `consume` emitted and what `finish` emitted.
private func dedupe(_ configJSON: String, _ batches: [RecordBatch]) throws -> (consumed: [String], finished: String) {
    let dedupe = try make(Dedupe.self, configJSON)
    var state = dedupe.makeState()
    var consumed: [String] = []
    for batch in batches {
        let result = try dedupe.consume(batch, into: &state)
        #expect(result.rejected.isEmpty)
        consumed.append(text(result.batch))
    }
    return (consumed, text(try dedupe.finish(state)))
}

/// All rows a dedupe emits, from `consume` and `finish` together.
private func dedupedRecords(_ dedupe: Dedupe, _ batches: [RecordBatch]) throws -> RecordBatch {
    var state = dedupe.makeState()
    var out: [RecordBatch] = []
    for batch in batches { out.append(try dedupe.consume(batch, into: &state).batch) }
    out.append(try dedupe.finish(state))
    return RecordBatch.concatenate(out.filter { !$0.isEmpty })
}

private func dedupeError(_ configJSON: String) -> String? {
    specError { _ = try make(Dedupe.self, configJSON) }?.message
}

@Suite struct DedupeTests {
    let first = try! batch(
        """
        [{"email": "a@x", "n": 1}, {"email": "b@x", "n": 2}, {"email": "a@x", "n": 3}, {"n": 4},
         {"email": null, "n": 5}, {"email": "c@x", "n": 6}]
        """, positions: [10, 11, 12, 13, 14, 15])
    let second = try! batch(
        #"[{"email": "b@x", "n": 7}, {"email": "d@x", "n": 8}, {"email": "d@x", "n": 9}, {"email": "a@x", "n": 10}]"#,
        positions: [16, 17, 18, 19])

    @Test func firstStreamsEachBatchsNewKeysFromConsume() throws {
        let (consumed, finished) = try dedupe(#"{"fields": ["email"]}"#, [first, second])
        // The absent and the null email are one key.
        #expect(consumed == [
            #"[{"email":"a@x","n":1},{"email":"b@x","n":2},{"n":4},{"email":"c@x","n":6}]"#,
            #"[{"email":"d@x","n":8}]"#,
        ])
        #expect(finished == "[]")
        let dedupe = try make(Dedupe.self, #"{"fields": ["email"], "keep": "first"}"#)
        var state = dedupe.makeState()
        #expect(try dedupe.consume(first, into: &state).batch.positions == [10, 11, 13, 15])
        #expect(try dedupe.consume(second, into: &state).batch.positions == [17])
        #expect(state.keyCount == 5)
    }

    @Test func lastHoldsRowsAndEmitsInFirstSeenOrderWithTheLastValues() throws {
        let (consumed, finished) = try dedupe(#"{"fields": ["email"], "keep": "last"}"#, [first, second])
        #expect(consumed == ["[]", "[]"])
        #expect(finished == """
            [{"email":"a@x","n":10},{"email":"b@x","n":7},{"email":null,"n":5},{"email":"c@x","n":6},{"email":"d@x","n":9}]
            """)
        let dedupe = try make(Dedupe.self, #"{"fields": ["email"], "keep": "last"}"#)
        #expect(try dedupedRecords(dedupe, [first, second]).positions == [19, 16, 14, 15, 18])
    }

    @Test func keysFollowValueEqualityAcrossFieldsAndLayouts() throws {
        let input = try batch(
            """
            [{"a": 1, "b": "x"}, {"a": 1.0, "b": "x"}, {"a": "1", "b": "x"}, {"a": 1, "b": "y"}, {"b": "x"},
             {"a": null, "b": "x"}, {"a": null}, {}, {"a": 2.5, "b": null}, {"a": 2.5}, {"a": true, "b": "x"}]
            """)
        let expected = """
            [{"a":1,"b":"x"},{"a":"1","b":"x"},{"a":1,"b":"y"},{"b":"x"},{"a":null},{"a":2.5,"b":null},{"a":true,"b":"x"}]
            """
        let dedupe = try make(Dedupe.self, #"{"fields": ["a", "b"]}"#)
        #expect(text(try dedupedRecords(dedupe, [input])) == expected)
        #expect(text(try dedupedRecords(dedupe, [valuesLayout(input)])) == expected)
        // A key field no batch has makes every row one key.
        #expect(text(try dedupedRecords(try make(Dedupe.self, #"{"fields": ["zzz"]}"#), [input])) == #"[{"a":1,"b":"x"}]"#)
    }

    @Test func lastDropsSupersededRowsAsItGoes() throws {
        // 300,000 rows over 1,000 keys in 75 batches: without compaction the state would hold
        // every row; with it, about the distinct rows.
        let dedupe = try make(Dedupe.self, #"{"fields": ["k"], "keep": "last"}"#)
        var state = dedupe.makeState()
        var peak = 0
        for b in 0..<75 {
            let rows = (0..<4000).map { i in b * 4000 + i }
            let batch = RecordBatch(
                fields: ["k", "v"],
                columns: [Column(storage: .ints(rows.map { $0 * 7919 % 1000 })), Column(storage: .ints(rows))],
                positions: rows)
            _ = try dedupe.consume(batch, into: &state)
            peak = max(peak, dedupe.estimatedBytes(of: state))
        }
        #expect(peak < 4_000_000)
        let out = try dedupe.finish(state)
        #expect(out.count == 1000)
        // Key k's last row is the largest i below 300,000 with i * 7919 % 1000 == k; row 0 has k = 0.
        var expected: [Int: Int] = [:]
        for i in 0..<300_000 { expected[i * 7919 % 1000] = i }
        #expect(out.value(row: 0, column: 0) == 0)
        for row in 0..<out.count {
            guard case .int(let k) = out.value(row: row, column: 0), case .int(let v) = out.value(row: row, column: 1) else {
                Issue.record("expected ints")
                continue
            }
            #expect(expected[k] == v)
            #expect(out.positions[row] == v)
        }
    }

    @Test func estimatedBytesGrowsWithDistinctKeys() throws {
        for keep in ["first", "last"] {
            let dedupe = try make(Dedupe.self, #"{"fields": ["email"], "keep": "\#(keep)"}"#)
            var state = dedupe.makeState()
            let empty = dedupe.estimatedBytes(of: state)
            func emails(_ range: Range<Int>) -> RecordBatch {
                RecordBatch(records: range.map { ValueObject([("email", .string("customer-\($0)@example.com"))]) })
            }
            _ = try dedupe.consume(emails(0..<1000), into: &state)
            let small = dedupe.estimatedBytes(of: state)
            _ = try dedupe.consume(emails(1000..<51_000), into: &state)
            let large = dedupe.estimatedBytes(of: state)
            // At least the 50,000 new keys' bytes (26 to 29 each), and for `last` the held rows' too.
            #expect(small > empty)
            #expect(large - small > 50_000 * (keep == "first" ? 26 : 52), "\(keep)")
            #expect(large - small < 50_000 * 200, "\(keep)")
            // Repeating known keys adds nothing to the key table.
            if keep == "first" {
                _ = try dedupe.consume(emails(0..<51_000), into: &state)
                #expect(dedupe.estimatedBytes(of: state) == large)
            }
        }
    }

    @Test func configErrors() {
        #expect(dedupeError(#"{"fields": []}"#) == #"fields: expected at least one key field, as ["email"]"#)
        #expect(dedupeError(#"{"fields": ["a", "a"]}"#) == "fields[1]: duplicate field 'a'")
        #expect(dedupeError(#"{"fields": ["a"], "keep": "newest"}"#) == "keep: expected first or last, found 'newest'")
        #expect(dedupeError(#"{"keep": "last"}"#) == "fields: required field is missing")
        #expect(dedupeError(#"{"fields": "email"}"#) == "fields: expected an array, found string")
    }

    @Test func lineageCopiesEveryField() throws {
        let dedupe = try make(Dedupe.self, #"{"fields": ["email"]}"#)
        #expect(dedupe.lineage(inputFields: ["email", "n"]) == [
            FieldDerivation(output: "email", inputs: ["email"], how: "copy"),
            FieldDerivation(output: "n", inputs: ["n"], how: "copy"),
        ])
    }

    /// 20,000 rows with many repeated emails (and some null ones) and a two-field key of
    /// region and a nullable int, against DuckDB's `row_number() = 1` per key.
    @Test func matchesDuckDB() async throws {
        var random = DuckDBOracle.Generator(state: 7)
        let regions = ["EU", "US", "APAC", "LATAM"]
        var records: [ValueObject] = []
        var csv = "id,email,region,n,amount\n"
        for id in 0..<20_000 {
            let email: Value = random.below(30) == 0 ? .null : .string("user\(random.below(6000))@example.com")
            let region: Value = random.below(15) == 0 ? .null : .string(regions[random.below(regions.count)])
            let n: Value = random.below(8) == 0 ? .null : .int(random.below(40) - 10)
            let amount: Value = .double(Double(random.below(100_000)) / 100)
            let row: [(String, Value)] = [("id", .int(id)), ("email", email), ("region", region), ("n", n), ("amount", amount)]
            records.append(ValueObject(row))
            csv += row.map { DuckDBOracle.cell($0.1) }.joined(separator: ",") + "\n"
        }
        let table = """
            CREATE TABLE t AS SELECT * FROM read_csv('$CSV', header = true,
                columns = {'id': 'BIGINT', 'email': 'VARCHAR', 'region': 'VARCHAR', 'n': 'BIGINT', 'amount': 'DOUBLE'});
            """
        let fields = ["id", "email", "region", "n", "amount"].map { ($0, $0) }
        for key in ["email", "region, n"] {
            let firstSQL = "\(table) SELECT * FROM t QUALIFY row_number() OVER (PARTITION BY \(key) ORDER BY id) = 1 ORDER BY id"
            let lastSQL = """
                \(table) SELECT id, email, region, n, amount FROM (
                    SELECT *, min(id) OVER (PARTITION BY \(key)) AS first_id,
                           row_number() OVER (PARTITION BY \(key) ORDER BY id DESC) AS r FROM t)
                WHERE r = 1 ORDER BY first_id
                """
            let keyFields = key.split(separator: ",").map { "\"\($0.trimmingCharacters(in: .whitespaces))\"" }.joined(separator: ", ")
            for (keep, sql) in [("first", firstSQL), ("last", lastSQL)] {
                let oracle = try await DuckDBOracle.query(sql, csv: csv)
                #expect(oracle.count > 100)
                let dedupe = try make(Dedupe.self, #"{"fields": [\#(keyFields)], "keep": "\#(keep)"}"#)
                let batches = stride(from: 0, to: records.count, by: 3000).map {
                    RecordBatch(records: Array(records[$0..<min($0 + 3000, records.count)]))
                }
                let out = try dedupedRecords(dedupe, batches)
                DuckDBOracle.compare(out.records, oracle, fields: fields, label: "dedupe \(key) keep \(keep)")
            }
        }
    }
}

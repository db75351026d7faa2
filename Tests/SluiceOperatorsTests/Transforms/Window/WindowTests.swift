import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Runs a window over `batches` and returns its output.
private func window(_ configJSON: String, _ batches: [RecordBatch]) throws -> RecordBatch {
    let window = try make(Window.self, configJSON)
    var state = window.makeState()
    for batch in batches {
        let result = try window.consume(batch, into: &state)
        #expect(result.batch.isEmpty && result.rejected.isEmpty)
    }
    return try window.finish(state)
}

/// The values of `field` in the window's output, as compact JSON.
private func column(_ out: RecordBatch, _ field: String) -> String {
    JSONText.string(.array(out.records.map { $0[field] ?? .null }))
}

private func windowError(_ configJSON: String) -> String? {
    specError { _ = try make(Window.self, configJSON) }?.message
}

@Suite struct WindowTests {
    @Test func theBriefsExample() throws {
        let input = try batch(
            """
            [{"id": 1, "customer_id": "c1", "created_at": "2024-01-03", "amount": 30},
             {"id": 2, "customer_id": "c2", "created_at": "2024-01-01", "amount": 5.5},
             {"id": 3, "customer_id": "c1", "created_at": "2024-01-01", "amount": 10},
             {"id": 4, "customer_id": "c1", "created_at": "2024-01-02", "amount": null},
             {"id": 5, "customer_id": "c2", "created_at": "2024-01-01", "amount": 4.5},
             {"id": 6, "customer_id": "c1", "created_at": "2024-01-03", "amount": 20}]
            """, positions: [101, 102, 103, 104, 105, 106])
        let config = """
            {"partitionBy": ["customer_id"],
             "orderBy": [{"field": "created_at", "direction": "asc"}, {"field": "id"}],
             "functions": [{"function": "row_number", "as": "rn"},
                           {"function": "lag", "field": "amount", "as": "prev_amount", "offset": 1},
                           {"function": "sum", "field": "amount", "as": "running_amount"},
                           {"function": "avg", "field": "amount", "as": "ma3", "frame": 3}]}
            """
        let expected = """
            [{"id":3,"customer_id":"c1","created_at":"2024-01-01","amount":10,"rn":1,"prev_amount":null,"running_amount":10,"ma3":10.0},\
            {"id":4,"customer_id":"c1","created_at":"2024-01-02","amount":null,"rn":2,"prev_amount":10,"running_amount":10,"ma3":10.0},\
            {"id":1,"customer_id":"c1","created_at":"2024-01-03","amount":30,"rn":3,"prev_amount":null,"running_amount":40,"ma3":20.0},\
            {"id":6,"customer_id":"c1","created_at":"2024-01-03","amount":20,"rn":4,"prev_amount":30,"running_amount":60,"ma3":25.0},\
            {"id":2,"customer_id":"c2","created_at":"2024-01-01","amount":5.5,"rn":1,"prev_amount":null,"running_amount":5.5,"ma3":5.5},\
            {"id":5,"customer_id":"c2","created_at":"2024-01-01","amount":4.5,"rn":2,"prev_amount":5.5,"running_amount":10.0,"ma3":5.0}]
            """
        let out = try window(config, [input])
        #expect(text(out) == expected)
        #expect(out.positions == [103, 104, 101, 106, 102, 105])
        // Split over batches, and in the general layout, the answer is the same.
        #expect(text(try window(config, [input.selecting([0, 1]), input.selecting([2]), input.selecting([3, 4, 5])])) == expected)
        #expect(text(try window(config, [valuesLayout(input)])) == expected)
    }

    @Test func ranksWithTiesDirectionsAndNulls() throws {
        let input = try batch(#"[{"s": 3}, {"s": 1}, {"s": null}, {"s": 3}, {"s": 2}, {}, {"s": 1}]"#)
        let functions = #"[{"function": "row_number", "as": "rn"}, {"function": "rank", "as": "r"}, {"function": "dense_rank", "as": "d"}]"#
        // DuckDB's default: nulls last in both directions.
        let desc = try window(#"{"orderBy": [{"field": "s", "direction": "desc"}], "functions": \#(functions)}"#, [input])
        #expect(column(desc, "s") == "[3,3,2,1,1,null,null]")
        #expect(desc.positions == [1, 4, 5, 2, 7, 3, 6])
        #expect(column(desc, "rn") == "[1,2,3,4,5,6,7]")
        #expect(column(desc, "r") == "[1,1,3,4,4,6,6]")
        #expect(column(desc, "d") == "[1,1,2,3,3,4,4]")
        let nullsFirst = try window(#"{"orderBy": [{"field": "s", "direction": "desc", "nulls": "first"}], "functions": \#(functions)}"#, [input])
        #expect(column(nullsFirst, "s") == "[null,null,3,3,2,1,1]")
        #expect(column(nullsFirst, "r") == "[1,1,3,3,5,6,6]")
        #expect(column(nullsFirst, "d") == "[1,1,2,2,3,4,4]")
        let asc = try window(#"{"orderBy": ["s"], "functions": \#(functions)}"#, [input])
        #expect(column(asc, "s") == "[1,1,2,3,3,null,null]")
        #expect(asc.positions == [2, 7, 5, 1, 4, 3, 6])
        // Without order keys every row is a peer, in input order.
        let none = try window(#"{"functions": \#(functions)}"#, [input])
        #expect(none.positions == [1, 2, 3, 4, 5, 6, 7])
        #expect(column(none, "r") == "[1,1,1,1,1,1,1]")
        #expect(column(none, "d") == "[1,1,1,1,1,1,1]")
    }

    @Test func lagAndLeadOffsetsAndDefaults() throws {
        let input = try batch(
            #"[{"p": "a", "v": 1}, {"p": "b", "v": 10}, {"p": "a", "v": 2}, {"p": "a", "v": null}, {"p": "a", "v": 4}, {"p": "b"}]"#)
        let out = try window(
            """
            {"partitionBy": ["p"], "functions": [
              {"function": "lag", "field": "v", "as": "lag2", "offset": 2, "default": -1},
              {"function": "lead", "field": "v", "as": "next"},
              {"function": "lag", "field": "v", "as": "same", "offset": 0},
              {"function": "lag", "field": "v", "as": "prev", "default": "none"},
              {"function": "lead", "field": "missing", "as": "nothing", "default": 0}]}
            """, [input])
        #expect(column(out, "p") == #"["a","a","a","a","b","b"]"#)
        #expect(column(out, "lag2") == "[-1,-1,1,2,-1,-1]")
        #expect(column(out, "next") == "[2,null,4,null,null,null]")
        #expect(column(out, "same") == "[1,2,null,4,10,null]")
        #expect(column(out, "prev") == #"["none",1,2,null,"none",10]"#)
        #expect(column(out, "nothing") == "[null,null,null,0,null,0]")
        // The absent `v` of the last row stays absent in its own field but the functions' fields exist.
        #expect(text(out.selecting([5])) == #"[{"p":"b","lag2":-1,"next":null,"same":null,"prev":10,"nothing":0}]"#)
    }

    @Test func runningAndMovingAggregates() throws {
        let input = try batch(#"[{"v": 5}, {"v": null}, {"v": 2}, {"v": "7"}, {"v": 2.0}, {"v": 9}, {}, {"v": -1}]"#)
        let out = try window(
            """
            {"functions": [
              {"function": "sum", "field": "v", "as": "sum"}, {"function": "sum", "field": "v", "as": "sum2", "frame": 2},
              {"function": "avg", "field": "v", "as": "avg"}, {"function": "count", "as": "rows3", "frame": 3},
              {"function": "count", "field": "v", "as": "values"}, {"function": "min", "field": "v", "as": "min3", "frame": 3},
              {"function": "max", "field": "v", "as": "max"}, {"function": "max", "field": "v", "as": "max1", "frame": 1}]}
            """, [input])
        // Sums stay ints until a double is in the frame, and return to ints once it has left.
        #expect(column(out, "sum") == "[5,5,7,14,16.0,25.0,25.0,24.0]")
        #expect(column(out, "sum2") == "[5,5,2,9,9.0,11.0,9,-1]")
        #expect(column(out, "avg") == "[5.0,5.0,3.5,4.666666666666667,4.0,5.0,5.0,4.0]")
        #expect(column(out, "rows3") == "[1,2,3,3,3,3,3,3]")
        #expect(column(out, "values") == "[1,1,2,3,4,5,5,6]")
        // The earliest of equal values wins: 2 (int) over the later 2.0.
        #expect(column(out, "min3") == "[5,5,2,2,2,2.0,2.0,-1]")
        #expect(column(out, "max") == "[5,5,5,7,7,9,9,9]")
        #expect(column(out, "max1") == "[5,null,2,7,2.0,9,null,-1]")
        // A frame of nothing but nulls, and a field no row has.
        let empty = try window(
            #"{"functions": [{"function": "sum", "field": "x", "as": "s"}, {"function": "min", "field": "v", "as": "m"}, {"function": "count", "field": "x", "as": "n"}]}"#,
            [try batch(#"[{"v": null}, {"v": "x"}]"#)])
        #expect(text(empty) == #"[{"v":null,"s":null,"m":null,"n":0},{"v":"x","s":null,"m":null,"n":0}]"#)
    }

    @Test func movingSumsDoNotDriftOrOverflow() throws {
        // A huge value entering and leaving a 2-row frame must not swallow the small ones.
        let values: [Value] = [1e16, 1.0, -1e16, 0.5, 0.25, 9_223_372_036_854_775_807, 1, 1]
        let out = try window(
            #"{"functions": [{"function": "sum", "field": "v", "as": "s", "frame": 2}]}"#,
            [RecordBatch(records: values.map { ValueObject([("v", $0)]) })])
        #expect(column(out, "s") == "[1e+16,1e+16,-1e+16,-1e+16,0.75,9.223372036854776e+18,9.223372036854776e+18,2]")
    }

    @Test func keysOfEveryKindSort() throws {
        // Text sharing a long prefix (past the 8-byte key word), descending.
        let byText = try window(
            #"{"orderBy": [{"field": "k", "direction": "desc"}], "functions": [{"function": "rank", "as": "r"}]}"#,
            [try batch(#"[{"k": "prefix-long-b"}, {"k": "prefix-long-a"}, {"k": "prefix-long-c"}, {"k": "prefix-long-a"}, {"k": "prefix-long"}]"#)])
        #expect(column(byText, "k") == #"["prefix-long-c","prefix-long-b","prefix-long-a","prefix-long-a","prefix-long"]"#)
        #expect(column(byText, "r") == "[1,2,3,3,5]")
        // Timestamps, by instant.
        let times: [Value] = [
            .timestamp(Timestamp(milliseconds: 3000)), .null, .timestamp(Timestamp(milliseconds: -5)), .timestamp(Timestamp(milliseconds: 3000)),
        ]
        let byTime = try window(
            #"{"orderBy": ["t"], "functions": [{"function": "dense_rank", "as": "d"}]}"#,
            [RecordBatch(records: times.map { ValueObject([("t", $0)]) })])
        #expect(byTime.positions == [3, 1, 4, 2])
        #expect(column(byTime, "d") == "[1,2,2,3]")
        // Doubles: -0 equals 0, NaN after infinity, nulls last.
        let doubles = try window(
            #"{"orderBy": ["x"], "functions": [{"function": "rank", "as": "r"}]}"#,
            [RecordBatch(fields: ["x"], columns: [Column(storage: .doubles([0.0, .nan, -0.0, .infinity, -1.5, 7]), presence: [.present, .present, .present, .present, .present, .null])], positions: [1, 2, 3, 4, 5, 6])])
        #expect(doubles.positions == [5, 1, 3, 4, 2, 6])
        #expect(column(doubles, "r") == "[1,2,2,4,5,6]")
        // A mixed column orders by kind: booleans, numbers, text.
        let mixed = try window(
            #"{"orderBy": ["m"], "functions": [{"function": "row_number", "as": "n"}]}"#,
            [try batch(#"[{"m": "b"}, {"m": 2}, {"m": true}, {"m": "a"}, {"m": 1.5}, {"m": null}, {"m": false}]"#)])
        #expect(column(mixed, "m") == #"[false,true,1.5,2,"a","b",null]"#)
        // Two keys, the second descending, with an int key stored as ints in one batch and doubles in another.
        let twoKeys = try window(
            #"{"orderBy": ["a", {"field": "b", "direction": "desc"}], "functions": [{"function": "rank", "as": "r"}]}"#,
            [try batch(#"[{"a": 1, "b": 1}, {"a": 0, "b": 1}]"#), try batch(#"[{"a": 1.0, "b": 2.5}, {"a": 0.5, "b": 0}]"#)])
        #expect(text(twoKeys) == #"[{"a":0,"b":1,"r":1},{"a":0.5,"b":0,"r":2},{"a":1.0,"b":2.5,"r":3},{"a":1,"b":1,"r":4}]"#)
    }

    @Test func batchesWithDifferentFieldsAndAReplacedField() throws {
        let out = try window(
            #"{"partitionBy": ["k"], "orderBy": ["n"], "functions": [{"function": "row_number", "as": "v"}]}"#,
            [try batch(#"[{"k": "x", "n": 2, "v": "old"}, {"k": "y", "n": 1, "v": "old"}]"#), try batch(#"[{"k": "x", "n": 1, "w": true}]"#)])
        #expect(text(out) == #"[{"k":"x","n":1,"v":1,"w":true},{"k":"x","n":2,"v":2},{"k":"y","n":1,"v":1}]"#)
        #expect(try window(#"{"functions": [{"function": "rank", "as": "r"}]}"#, []).isEmpty)
    }

    @Test func estimatedBytesCountsHeldColumns() throws {
        let window = try make(Window.self, #"{"partitionBy": ["k"], "orderBy": ["n"], "functions": [{"function": "rank", "as": "r"}]}"#)
        var state = window.makeState()
        let empty = window.estimatedBytes(of: state)
        func rows(_ range: Range<Int>) -> RecordBatch {
            var text = TextColumn()
            for i in range { text.append("customer-\(i % 100)") }
            return RecordBatch(
                fields: ["k", "n"], columns: [Column(storage: .text(text)), Column(storage: .ints(Array(range)))], positions: Array(range))
        }
        _ = try window.consume(rows(0..<1000), into: &state)
        let small = window.estimatedBytes(of: state)
        _ = try window.consume(rows(1000..<101_000), into: &state)
        let large = window.estimatedBytes(of: state)
        // Per row, held: 8 (n) + 10 or 11 text bytes + 4 offset + 8 position, + 4 partition
        // number, + 80 for ordering the rows at the end (the output is streamed, not copied).
        #expect(small > empty)
        #expect(large - small >= 100_000 * (30 + 4 + Window.orderingBytesPerRow))
        #expect(large - small < 100_000 * (32 + 4 + Window.orderingBytesPerRow))
    }

    @Test func configErrors() {
        let rn = #"{"function": "row_number", "as": "rn"}"#
        #expect(windowError(#"{"functions": [\#(rn), {"function": "lagg", "field": "a", "as": "x"}]}"#) == "functions[1].function: unknown window function 'lagg'; expected one of row_number, rank, dense_rank, lag, lead, sum, avg, count, min, max")
        #expect(windowError(#"{"functions": [\#(rn), {"function": "lag", "as": "x"}]}"#) == "functions[1].field: required for lag")
        #expect(windowError(#"{"orderBy": [{"field": "a", "direction": "up"}], "functions": [\#(rn)]}"#) == "orderBy[0].direction: expected asc or desc, found 'up'")
        #expect(windowError(#"{"orderBy": [{"field": "a", "nulls": "middle"}], "functions": [\#(rn)]}"#) == "orderBy[0].nulls: expected first or last, found 'middle'")
        #expect(windowError(#"{"orderBy": [{"direction": "asc"}], "functions": [\#(rn)]}"#) == "orderBy[0].field: required field is missing")
        #expect(windowError(#"{"functions": []}"#) == #"functions: expected at least one function, as {"function": "row_number", "as": "rn"}"#)
        #expect(windowError(#"{"partitionBy": ["a"]}"#) == "functions: required field is missing")
        #expect(windowError(#"{"functions": [{"function": "rank"}]}"#) == "functions[0].as: required field is missing")
        #expect(windowError(#"{"functions": [\#(rn), {"function": "rank", "as": "rn"}]}"#) == "functions[1].as: duplicate output field 'rn'")
        #expect(windowError(#"{"functions": [{"function": "rank", "field": "a", "as": "r"}]}"#) == "functions[0].field: rank takes no field")
        #expect(windowError(#"{"functions": [{"function": "sum", "field": "a", "as": "s", "offset": 2}]}"#) == "functions[0].offset: only lag and lead take an offset")
        #expect(windowError(#"{"functions": [{"function": "lead", "field": "a", "as": "s", "offset": -1}]}"#) == "functions[0].offset: expected a number of rows from 0 to 1000000000, found -1")
        // An offset near Int.max would overflow `row + offset`; it is refused before it can.
        #expect(windowError(#"{"functions": [{"function": "lead", "field": "a", "as": "s", "offset": 9223372036854775807}]}"#) == "functions[0].offset: expected a number of rows from 0 to 1000000000, found 9223372036854775807")
        #expect(windowError(#"{"functions": [{"function": "lead", "field": "a", "as": "s", "frame": 3}]}"#) == "functions[0].frame: only sum, avg, count, min and max take a frame")
        #expect(windowError(#"{"functions": [{"function": "avg", "field": "a", "as": "s", "frame": 0}]}"#) == "functions[0].frame: expected a number of rows from 1 to 1000000000, found 0")
        #expect(windowError(#"{"functions": [{"function": "max", "field": "a", "as": "s", "default": 1}]}"#) == "functions[0].default: only lag and lead take a default")
        #expect(windowError(#"{"partitionBy": ["a", "a"], "functions": [\#(rn)]}"#) == "partitionBy[1]: duplicate field 'a'")
    }

    @Test func lineage() throws {
        let window = try make(
            Window.self,
            """
            {"partitionBy": ["c"], "orderBy": ["t"], "functions": [{"function": "rank", "as": "r"},
             {"function": "lag", "field": "a", "as": "a"}, {"function": "count", "as": "n"}, {"function": "sum", "field": "a", "as": "s"}]}
            """)
        #expect(window.lineage(inputFields: ["c", "t", "a"]) == [
            FieldDerivation(output: "c", inputs: ["c"], how: "copy"),
            FieldDerivation(output: "t", inputs: ["t"], how: "copy"),
            FieldDerivation(output: "r", inputs: ["c", "t"], how: "rank"),
            FieldDerivation(output: "a", inputs: ["a"], how: "lag"),
            FieldDerivation(output: "n", inputs: ["c", "t"], how: "count"),
            FieldDerivation(output: "s", inputs: ["a"], how: "sum"),
        ])
    }

    /// 20,000 rows over 400 customers (and a null one), with dates full of ties and nulls,
    /// against DuckDB's window functions with the same ROWS frames, row by row in order.
    @Test func matchesDuckDB() async throws {
        var random = DuckDBOracle.Generator(state: 11)
        var records: [ValueObject] = []
        var csv = "id,customer,created,qty,amount\n"
        for id in 0..<20_000 {
            let customer: Value = random.below(40) == 0 ? .null : .string("c\(random.below(400))")
            let day = random.below(28) + 1
            let created: Value = random.below(25) == 0 ? .null : .string("2024-01-\(day < 10 ? "0" : "")\(day) 0\(random.below(3)):00")
            let qty: Value = random.below(10) == 0 ? .null : .int(random.below(50) - 5)
            let amount: Value = random.below(12) == 0 ? .null : .double(Double(random.below(200_000) - 20_000) / 100)
            let row: [(String, Value)] = [("id", .int(id)), ("customer", customer), ("created", created), ("qty", qty), ("amount", amount)]
            records.append(ValueObject(row))
            csv += row.map { DuckDBOracle.cell($0.1) }.joined(separator: ",") + "\n"
        }
        func batches(amountAsText: Bool) -> [RecordBatch] {
            stride(from: 0, to: records.count, by: 4096).map {
                let batch = RecordBatch(records: Array(records[$0..<min($0 + 4096, records.count)]))
                return amountAsText ? DuckDBDifferentialTests.textLayout(batch, field: "amount") : batch
            }
        }
        let table = """
            CREATE TABLE t AS SELECT * FROM read_csv('$CSV', header = true,
                columns = {'id': 'BIGINT', 'customer': 'VARCHAR', 'created': 'VARCHAR', 'qty': 'BIGINT', 'amount': 'DOUBLE'});
            """
        let unbounded = "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"

        // Partitioned, two keys (text ascending, int descending), every function.
        let partitioned = try await DuckDBOracle.query(
            """
            \(table)
            SELECT id, customer, created, qty, amount,
              row_number() OVER w AS rn, rank() OVER peers AS rk, dense_rank() OVER peers AS drk,
              lag(amount, 1) OVER w AS prev_amount, lag(qty, 2, 0) OVER w AS prev2_qty, lead(amount) OVER w AS next_amount,
              sum(amount) OVER (w \(unbounded)) AS run_amount, sum(qty) OVER (w \(unbounded)) AS run_qty,
              avg(amount) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS ma3,
              count(*) OVER (w ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS n5, count(qty) OVER (w \(unbounded)) AS nq,
              min(qty) OVER (w ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS minq4, max(amount) OVER (w \(unbounded)) AS maxa,
              min(amount) OVER (w \(unbounded)) AS mina, max(qty) OVER (w ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS maxq10,
              avg(qty) OVER (w \(unbounded)) AS avgq, sum(amount) OVER (w ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS suma7,
              min(id) OVER (PARTITION BY customer) AS first_id
            FROM t
            WINDOW w AS (PARTITION BY customer ORDER BY created ASC NULLS LAST, qty DESC NULLS LAST, id),
                   peers AS (PARTITION BY customer ORDER BY created ASC NULLS LAST, qty DESC NULLS LAST)
            ORDER BY first_id, created ASC NULLS LAST, qty DESC NULLS LAST, id
            """, csv: csv)
        let out = try window(
            """
            {"partitionBy": ["customer"], "orderBy": ["created", {"field": "qty", "direction": "desc"}],
             "functions": [{"function": "row_number", "as": "rn"}, {"function": "rank", "as": "rk"},
               {"function": "dense_rank", "as": "drk"}, {"function": "lag", "field": "amount", "as": "prev_amount"},
               {"function": "lag", "field": "qty", "as": "prev2_qty", "offset": 2, "default": 0},
               {"function": "lead", "field": "amount", "as": "next_amount"}, {"function": "sum", "field": "amount", "as": "run_amount"},
               {"function": "sum", "field": "qty", "as": "run_qty"}, {"function": "avg", "field": "amount", "as": "ma3", "frame": 3},
               {"function": "count", "as": "n5", "frame": 5}, {"function": "count", "field": "qty", "as": "nq"},
               {"function": "min", "field": "qty", "as": "minq4", "frame": 4}, {"function": "max", "field": "amount", "as": "maxa"},
               {"function": "min", "field": "amount", "as": "mina"}, {"function": "max", "field": "qty", "as": "maxq10", "frame": 10},
               {"function": "avg", "field": "qty", "as": "avgq"}, {"function": "sum", "field": "amount", "as": "suma7", "frame": 7}]}
            """, batches(amountAsText: false))
        let fields = [
            "id", "customer", "created", "qty", "amount", "rn", "rk", "drk", "prev_amount", "prev2_qty", "next_amount", "run_amount",
            "run_qty", "ma3", "n5", "nq", "minq4", "maxa", "mina", "maxq10", "avgq", "suma7",
        ]
        #expect(partitioned.count == 20_000)
        #expect(out.fields == fields)
        DuckDBOracle.compare(out.records, partitioned, fields: fields.map { ($0, $0) }, label: "partitioned window")
        // Ties on both keys exist, so rank and row_number differ somewhere.
        #expect(partitioned.contains { $0["rk"] != $0["rn"] })

        // One partition, nulls first on a descending key, amounts read from text.
        let whole = try await DuckDBOracle.query(
            """
            \(table)
            SELECT id, row_number() OVER w AS rn, rank() OVER (ORDER BY qty DESC NULLS FIRST) AS rk,
              sum(amount) OVER (w \(unbounded)) AS run_amount, avg(amount) OVER (w ROWS BETWEEN 49 PRECEDING AND CURRENT ROW) AS ma50,
              max(amount) OVER (w ROWS BETWEEN 49 PRECEDING AND CURRENT ROW) AS max50, lead(id, 3, -1) OVER w AS later
            FROM t WINDOW w AS (ORDER BY qty DESC NULLS FIRST, id)
            ORDER BY qty DESC NULLS FIRST, id
            """, csv: csv)
        let single = try window(
            """
            {"orderBy": [{"field": "qty", "direction": "desc", "nulls": "first"}],
             "functions": [{"function": "row_number", "as": "rn"}, {"function": "rank", "as": "rk"},
               {"function": "sum", "field": "amount", "as": "run_amount"}, {"function": "avg", "field": "amount", "as": "ma50", "frame": 50},
               {"function": "max", "field": "amount", "as": "max50", "frame": 50},
               {"function": "lead", "field": "id", "as": "later", "offset": 3, "default": -1}]}
            """, batches(amountAsText: true))
        DuckDBOracle.compare(
            single.records, whole, fields: ["id", "rn", "rk", "run_amount", "ma50", "max50", "later"].map { ($0, $0) }, label: "single window")
    }
}

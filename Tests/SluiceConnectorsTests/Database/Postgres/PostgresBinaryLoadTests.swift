import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// Loads through the binary COPY: the exact values PostgreSQL stores, and the guarantees of
/// the target kept (an aborted load leaves the table as it was, upsert and replace).
@Suite struct PostgresBinaryLoadTests {
    static func ts(_ text: String) -> Value {
        guard let timestamp = Timestamp(iso8601: text) else { return .string("bad timestamp \(text)") }
        return .timestamp(timestamp)
    }

    @Test func exactValuesStored() async throws {
        let table = PostgresFixture.uniqueTable("exact")
        try await PostgresFixture.psql("""
            CREATE TABLE \(table) (k int, n numeric, tstz timestamptz, ts timestamp, d date, t text, jb jsonb, f8 float8, f4 float4,
              b bool, u uuid, by bytea, i2 int2);
            """)
        try await withAsyncCleanup {
            let tiny = "0." + String(repeating: "0", count: 120) + "1"
            let pi = "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651"
            let r1: Value = [
                "k": 1, "n": 0, "tstz": Self.ts("1900-01-01T00:00:00Z"), "ts": Self.ts("1999-12-31T23:59:59.999999Z"), "d": "1999-12-31", "t": "",
                "jb": [:], "f8": -0.0, "f4": 0.1, "b": false, "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "by": "", "i2": -32768,
            ]
            let r2: Value = [
                "k": 2, "n": "-123456789.000001", "tstz": Self.ts("9999-12-31T23:59:59.999999Z"), "ts": "2100-02-28 12:00",
                "d": Self.ts("2000-02-29T23:59:59Z"), "t": "中文 🎉 é\t\\", "jb": ["é", nil, 1.5], "f8": 5e-324, "f4": -1.5, "b": "yes",
                "u": "A0EEBC999C0B4EF8BB6D6BB9BD380A11", "by": "\\x00ff", "i2": "+42",
            ]
            let r3: Value = [
                "k": 3, "n": "NaN", "tstz": "1970-01-01T00:00:00+01:00", "ts": Self.ts("0001-01-01T00:00:00Z"), "d": Self.ts("1066-10-14T09:00:00Z"),
                "t": .string(tiny), "jb": "{\"b\": [1, 2], \"a\": null}", "f8": 0.1, "f4": 16_777_217, "b": 1, "u": nil, "by": 7, "i2": 3.0,
            ]
            let r4: Value = [
                "k": 4, "n": 1e-05, "tstz": nil, "ts": nil, "d": nil, "t": nil, "jb": nil, "f8": nil, "f4": nil, "b": nil, "u": nil, "by": nil, "i2": nil,
            ]
            let r5: Value = [
                "k": 5, "n": .string(pi), "tstz": Self.ts("1583-01-01T00:00:00.000001Z"), "ts": "1900-06-15T12:34:56.789012+05:00",
                "d": "2024-01-01T23:30:00-05:00", "t": "plain", "jb": 12, "f8": 1e300, "f4": "3.4e38", "b": "OFF", "u": nil, "by": "ü", "i2": 0,
            ]
            let r6: Value = [
                "k": 6, "n": .string(tiny), "tstz": Self.ts("1969-07-20T20:17:40Z"), "ts": nil, "d": nil, "t": nil, "jb": "\"s\"", "f8": -2.5,
                "f4": nil, "b": true, "u": nil, "by": nil, "i2": nil,
            ]
            let r7: Value = [
                "k": 7, "n": -98765.4321, "tstz": .double(1), "ts": nil, "d": nil, "t": nil, "jb": nil, "f8": nil, "f4": nil, "b": nil, "u": nil,
                "by": nil, "i2": nil,
            ]
            let records = [r1, r2, r3, r4, r5, r6, r7]
            let batch = PostgresFixture.batch(Array(records.prefix(6)))
            let types: [PostgresColumnType] = [.int4, .numeric, .timestamptz, .timestamp, .date, .text, .jsonb, .float8, .float4, .bool, .uuid, .bytea, .int2]
            #expect(PostgresBinaryCopyEncoder(fields: Array(0..<13), types: types, withOrdinal: false).encode(batch, rows: 0..<6) != nil)
            // The last record goes alone: its timestamp 1.0 would send its whole run as text.
            let rejected = try await PostgresFixture.write(
                try PostgresFixture.target(["table": .string(table)]), [batch, PostgresFixture.batch(Array(records.suffix(1)))])
            #expect(rejected.map(\.reasons) == [["ERROR: invalid input syntax for type timestamp with time zone: \"1\" (SQLSTATE 22007)"]])
            let rows = try await PostgresFixture.rows(
                "SELECT k, n::text, tstz::text, ts::text, d::text, t, jb::text, f8::text, f4::text, b::text, u::text, by::text, i2::text FROM \(table) ORDER BY k")
            #expect(rows == [
                ["1", "0", "1900-01-01 00:00:00+00", "1999-12-31 23:59:59.999999", "1999-12-31", "", "{}", "0", "0.1", "false",
                 "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\\x", "-32768"],
                ["2", "-123456789.000001", "9999-12-31 23:59:59.999999+00", "2100-02-28 12:00:00", "2000-02-29", "中文 🎉 é\t\\", "[\"é\", null, 1.5]",
                 "5e-324", "-1.5", "true", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\\x00ff", "42"],
                ["3", "NaN", "1969-12-31 23:00:00+00", "0001-01-01 00:00:00", "1066-10-14", tiny, "{\"a\": null, \"b\": [1, 2]}", "0.1", "1.6777216e+07",
                 "true", "", "\\x37", "3"],
                ["4", "0.00001", "", "", "", "", "", "", "", "", "", "", ""],
                ["5", pi, "1583-01-01 00:00:00.000001+00", "1900-06-15 12:34:56.789012", "2024-01-01", "plain", "12", "1e+300", "3.4e+38", "false", "",
                 "\\xc3bc", "0"],
                ["6", tiny, "1969-07-20 20:17:40+00", "", "", "", "\"s\"", "-2.5", "", "true", "", "", ""],
            ])
            #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table) WHERE t IS NULL AND k = 4") == "1")
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func anAbortedLoadLeavesTheTableAsItWas() async throws {
        let table = PostgresFixture.uniqueTable("abort")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int PRIMARY KEY, v text, n numeric(10,2), at timestamptz); INSERT INTO \(table) VALUES (1, 'old', 1.5, '2020-01-01')")
        try await withAsyncCleanup {
            let before = try await PostgresFixture.rows("SELECT * FROM \(table) ORDER BY id")
            let many = PostgresFixture.batch((2..<3000).map { ["id": .int($0), "v": .string("new \($0)"), "n": .double(Double($0) / 8), "at": Self.ts("2024-05-06T07:08:09Z")] })
            let clash = PostgresFixture.batch([["id": 1, "v": "clash", "n": 2, "at": nil], ["id": 5000, "v": "fine", "n": 3, "at": nil]])
            for config in [
                ["table": .string(table)], ["table": .string(table), "mode": "replace"], ["table": .string(table), "mode": "upsert", "keys": ["id"]],
            ] as [Value] {
                let writer = try await PostgresFixture.target(config).open(batchSize: nil)
                guard let rejecting = writer as? any RejectingTargetWriter else {
                    Issue.record("the postgres writer reports rejections")
                    return
                }
                #expect(try await rejecting.writeReportingRejections(many).rejected == [])
                let rejected = try await rejecting.writeReportingRejections(clash).rejected
                #expect(rejected.count == (config.objectValue?["mode"] == nil ? 1 : 0))
                await writer.abort()
                #expect(try await PostgresFixture.rows("SELECT * FROM \(table) ORDER BY id") == before)
            }

            // Committed, the same load is all there (the clash rejected, its neighbour written).
            #expect(try await PostgresFixture.write(try PostgresFixture.target(["table": .string(table)]), [many, clash]).count == 1)
            #expect(try await PostgresFixture.rows(
                "SELECT count(*), sum(n) = (SELECT sum(round(g / 8.0, 2)) + 4.5 FROM generate_series(2, 2999) g), min(at)::text FROM \(table)")
                == [["3000", "t", "2020-01-01 00:00:00+00"]])
            #expect(try await PostgresFixture.rows("SELECT n::text FROM \(table) WHERE id IN (3, 5) ORDER BY id") == [["0.38"], ["0.63"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func aRunIsSentAsASmallFirstSliceThenLargeOnes() {
        let encoder = PostgresBinaryCopyEncoder(fields: [0], types: [.int8], withOrdinal: false)
        #expect(encoder.slices(0..<40_000) == [0..<1024, 1024..<17_408, 17_408..<33_792, 33_792..<40_000])
        #expect(encoder.slices(7..<1031) == [7..<1031])
        #expect(encoder.slices(7..<1032) == [7..<1031, 1031..<1032])
        #expect(encoder.slices(3..<3) == [3..<3])
    }

    @Test func aRunOfManySlicesIsStoredWhole() async throws {
        let table = PostgresFixture.uniqueTable("slices")
        try await PostgresFixture.psql("CREATE TABLE \(table) (id int8, v text)")
        try await withAsyncCleanup {
            // One batch of four slices: header in the first, trailer in the last.
            let batch = PostgresFixture.batch((1...40_000).map { ["id": .int($0), "v": .string("row \($0)")] })
            #expect(try await PostgresFixture.write(try PostgresFixture.target(["table": .string(table)]), [batch]) == [])
            let expected = try await PostgresFixture.psql("SELECT md5(string_agg(g || '|row ' || g, ',' ORDER BY g)) FROM generate_series(1, 40000) g")
            #expect(try await PostgresFixture.psql("SELECT md5(string_agg(id || '|' || v, ',' ORDER BY id)) FROM \(table)") == expected)
            #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(table)") == "40000")
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    /// The statement PostgresNIO's `copyFrom` builds around the table argument.
    @Test func theBinaryCopyStatement() {
        let argument = PostgresBinaryCopy.tableArgument(PostgresRelationName("we\"ird.Tab le"), columns: ["a\"b", "c"])
        #expect("COPY \"\(argument)\" FROM STDIN WITH (FORMAT text)"
            == "COPY \"we\"\"ird\".\"Tab le\" (\"a\"\"b\", \"c\") FROM STDIN (FORMAT binary) --\" FROM STDIN WITH (FORMAT text)")
    }
}

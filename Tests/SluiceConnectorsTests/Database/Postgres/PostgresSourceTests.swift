import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct PostgresSourceTests {
    static func ts(_ text: String) -> Value {
        guard let timestamp = Timestamp(iso8601: text) else { return .string("bad timestamp \(text)") }
        return .timestamp(timestamp)
    }

    @Test func everyMappedTypeRoundTrips() async throws {
        let table = PostgresFixture.uniqueTable("types")
        let mood = "\(table)_mood"
        try await PostgresFixture.psql("""
            CREATE TYPE \(mood) AS ENUM ('sad', 'happy');
            CREATE TABLE \(table) (id int, i2 int2, i4 int4, i8 int8, o oid, f4 float4, f8 float8, n numeric, b bool,
              t text, vc varchar(10), bc char(3), nm name, u uuid, ip inet, net cidr, mac macaddr, iv interval, tm time,
              ttz timetz, mood \(mood), d date, ts timestamp, tstz timestamptz, j json, jb jsonb, ai int4[], at text[],
              a2 int8[], ab bool[], ad date[], aiv interval[], an numeric[], by bytea);
            INSERT INTO \(table) VALUES (1, 32767, -2147483648, 9223372036854775807, 4294967295, 0.1, 1.5e300, 0.5, true,
              'héllo 🌍 "q" \\ tab\tnl\n', 'abc', 'x', 'nm', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24',
              '10.0.0.0/8', '08:00:2b:01:02:03', '1 year 2 mons 3 days 04:05:06.5', '04:05:06.789', '04:05:06+02', 'happy',
              '2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+02', '{"c":[1,2.5,{"b":null}],"a":"x"}',
              '{"z":1,"a":[true,false]}', '{1,NULL,3}', '{"a b","c,d",NULL}', '{{1,2},{3,4}}', '{t,f}', '{2024-01-02}',
              '{"1 day",NULL}', '{1.5,2,NULL}', '\\x00ff');
            INSERT INTO \(table) (id, i8, n, j, jb, ts, tstz, ai) VALUES
              (2, -9223372036854775808, 12345678901234567890.123456789, '"scalar"', '[1,"two",null]', 'infinity', '-infinity', '{}');
            INSERT INTO \(table) (id) VALUES (3);
            """)
        try await withAsyncCleanup {
            let source = try PostgresFixture.source(["table": .string(table), "where": "true ORDER BY id"])
            let records = try await PostgresFixture.records(source)
            let first: Value = [
                "id": 1, "i2": 32767, "i4": -2147483648, "i8": .int(Int.max), "o": 4294967295, "f4": 0.1, "f8": 1.5e300, "n": 0.5,
                "b": true, "t": "héllo 🌍 \"q\" \\ tab\tnl\n", "vc": "abc", "bc": "x  ", "nm": "nm",
                "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "ip": "192.168.0.1/24", "net": "10.0.0.0/8", "mac": "08:00:2b:01:02:03",
                "iv": "1 year 2 mons 3 days 04:05:06.5", "tm": "04:05:06.789", "ttz": "04:05:06+02", "mood": "happy",
                "d": Self.ts("2024-02-29"), "ts": Self.ts("2024-01-02T03:04:05.123456Z"), "tstz": Self.ts("2024-01-02T01:04:05.123456Z"),
                "j": ["c": [1, 2.5, ["b": nil]], "a": "x"], "jb": ["a": [true, false], "z": 1], "ai": [1, nil, 3],
                "at": ["a b", "c,d", nil], "a2": [[1, 2], [3, 4]], "ab": [true, false], "ad": [Self.ts("2024-01-02")],
                "aiv": ["1 day", nil], "an": [1.5, 2, nil], "by": "AP8=",
            ]
            var second: [(String, Value)] = (first.objectValue?.keys ?? []).map { ($0, Value.null) }
            var third = second
            for (index, pair) in second.enumerated() {
                switch pair.0 {
                case "id": second[index].1 = 2
                case "i8": second[index].1 = .int(Int.min)
                case "n": second[index].1 = "12345678901234567890.123456789"
                case "j": second[index].1 = "scalar"
                case "jb": second[index].1 = [1, "two", nil]
                case "ts": second[index].1 = "infinity"
                case "tstz": second[index].1 = "-infinity"
                case "ai": second[index].1 = []
                default: break
                }
            }
            third[0].1 = 3
            #expect(records.count == 3)
            #expect(records.first == first)
            #expect(records.dropFirst().first == .object(ValueObject(second)))
            #expect(records.last == .object(ValueObject(third)))
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table); DROP TYPE \(mood)")
        }
    }

    @Test func numericIsExactIntDoubleOrText() async throws {
        let source = try PostgresFixture.source([
            "query": """
                SELECT n FROM (VALUES (1, 42::numeric), (2, 0.5), (3, 12345678901234567890.123456789), (4, 12.30::numeric(12,2)),
                  (5, 12.00::numeric(12,2)), (6, -0.001), (7, 9223372036854775807), (8, 9223372036854775808),
                  (9, -9223372036854775808), (10, 1e20), (11, 0.30000000000000004), (12, 1.23456789012345678), (13, 'NaN'),
                  (14, -123.456), (15, 0), (16, 1234567890123.25)) AS v(k, n) ORDER BY k;
                """,
        ])
        let values = try await PostgresFixture.records(source).map { $0.objectValue?["n"] ?? .null }
        let expected: [Value] = [
            .int(42), .double(0.5), .string("12345678901234567890.123456789"), .double(12.3), .int(12), .double(-0.001),
            .int(Int.max), .string("9223372036854775808"), .int(Int.min), .double(1e20), .double(0.30000000000000004),
            .string("1.23456789012345678"), .string("NaN"), .double(-123.456), .int(0), .double(1234567890123.25),
        ]
        #expect(values.count == expected.count)
        for (value, want) in zip(values, expected) {
            // Compare kinds too: Value's == lets int 12 equal double 12.0.
            #expect(value.kindName == want.kindName && value == want && "\(value)" == "\(want)")
        }
        #expect(values.map { if case .int = $0 { return "i" } else if case .double = $0 { return "d" } else { return "s" } }
            == ["i", "d", "s", "d", "i", "d", "i", "s", "i", "d", "d", "s", "s", "d", "i", "d"])
    }

    @Test func byteaUnicodeAndAMegabyteOfText() async throws {
        let table = PostgresFixture.uniqueTable("blob")
        try await PostgresFixture.psql("""
            CREATE TABLE \(table) (id int, by bytea, t text);
            INSERT INTO \(table) SELECT 1, (SELECT string_agg(set_byte('\\x00'::bytea, 0, g), ''::bytea ORDER BY g) FROM generate_series(0, 255) g),
              repeat('ab🌍é', 131072);
            INSERT INTO \(table) VALUES (2, '', '👩‍👩‍👧 ZWJ, 中文, ﷽');
            """)
        try await withAsyncCleanup {
            let records = try await PostgresFixture.records(try PostgresFixture.source(["query": .string("SELECT by, t FROM \(table) ORDER BY id")]))
            let big = String(repeating: "ab🌍é", count: 131_072)
            #expect(big.utf8.count == 1_048_576)
            #expect(records == [
                ["by": .string(Base64.encode(Array(0...255) as [UInt8])), "t": .string(big)],
                ["by": "", "t": "👩‍👩‍👧 ZWJ, 中文, ﷽"],
            ])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func streamsManyRowsInBatchesOfBatchSize() async throws {
        let table = PostgresFixture.uniqueTable("many")
        try await PostgresFixture.psql("CREATE TABLE \(table) AS SELECT g::int8 AS id, md5(g::text) AS h FROM generate_series(1, 200000) g")
        try await withAsyncCleanup {
            let source = try PostgresFixture.source(["table": .string(table), "columns": ["id"]], batchSize: 777)
            let reader = try await source.open()
            var count = 0
            var sum = 0
            var batches = 0
            var largest = 0
            var lastPosition = 0
            while let chunk = try await reader.next() {
                batches += 1
                largest = max(largest, chunk.batch.count)
                #expect(chunk.batch.fields == ["id"])
                #expect(chunk.batch.positions.first == lastPosition + 1)
                lastPosition = chunk.batch.positions.last ?? lastPosition
                guard case .ints(let ids) = chunk.batch.columns[0].storage else {
                    Issue.record("ids are not an int column")
                    break
                }
                count += ids.count
                sum += ids.reduce(0, +)
            }
            #expect(count == 200_000)
            #expect(sum == 200_000 * 200_001 / 2)
            #expect(largest == 777)
            #expect(batches == 258)
            #expect(lastPosition == 200_000)
            #expect(try await reader.next() == nil)
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE \(table)")
        }
    }

    @Test func tableWithColumnsWhereAndParameters() async throws {
        let table = PostgresFixture.uniqueTable("Mixed")
        try await PostgresFixture.psql("""
            CREATE SCHEMA IF NOT EXISTS sluice_src;
            CREATE TABLE sluice_src."\(table)" (id int8, "Name" text, note text);
            INSERT INTO sluice_src."\(table)" VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, 'c', NULL), (4, 'd', 'w');
            """)
        try await withAsyncCleanup {
            let source = try PostgresFixture.source([
                "table": .string("sluice_src.\(table)"), "columns": ["Name", "id"], "where": "id > $1 AND \"Name\" <> $2 ORDER BY id DESC -- newest first",
                "parameters": [1, "c"],
            ])
            #expect(try await PostgresFixture.records(source) == [["Name": "d", "id": 4], ["Name": "b", "id": 2]])
            #expect(source.location == "\(try PostgresFixture.url())#sluice_src.\(table)")

            let query = try PostgresFixture.source([
                "query": .string(
                    "SELECT id, id * $1 AS x, note, '1 day'::interval AS iv FROM sluice_src.\"\(table)\" WHERE \"Name\" = ANY($2) ORDER BY id -- by id;"),
                "parameters": [10, ["a", "c"]],
            ])
            #expect(try await PostgresFixture.records(query) == [["id": 1, "x": 10, "note": "x", "iv": "1 day"], ["id": 3, "x": 30, "note": nil, "iv": "1 day"]])
        } cleanup: {
            _ = try? await PostgresFixture.psql("DROP TABLE sluice_src.\"\(table)\"")
        }
    }

    @Test func missingTableFailsWithTheServersMessage() async throws {
        let table = PostgresFixture.uniqueTable("nope")
        let source = try PostgresFixture.source(["table": .string(table)])
        let url = try PostgresFixture.url()
        await #expect(throws: ConnectorError.io("cannot read table '\(table)' of \(url): ERROR: relation \"\(table)\" does not exist (SQLSTATE 42P01)")) {
            _ = try await source.open()
        }
        let bad = try PostgresFixture.source(["query": "SELECT nope FROM (VALUES (1)) v(x)"])
        await #expect(throws: ConnectorError.io("cannot read the query on \(url): ERROR: column \"nope\" does not exist (SQLSTATE 42703)")) {
            _ = try await bad.open()
        }
    }

    @Test func configErrors() throws {
        #expect(throws: SpecError(path: "query", "give either table or query, not both")) {
            _ = try PostgresFixture.source(["table": "t", "query": "SELECT 1"])
        }
        #expect(throws: SpecError(path: "table", "required: give the table to read, or a query")) {
            _ = try PostgresFixture.source([:])
        }
        #expect(throws: SpecError(path: "where", "only applies to table; put the condition in the query")) {
            _ = try PostgresFixture.source(["query": "SELECT 1", "where": "x"])
        }
    }
}

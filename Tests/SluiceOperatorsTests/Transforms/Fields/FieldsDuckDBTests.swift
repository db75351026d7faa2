import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Field operations against DuckDB on generated NDJSON (read with `read_json`, so empty
/// strings stay empty strings and nulls stay nulls).
@Suite struct FieldsDuckDBTests {
    /// Runs `sql` with `$CSV` pointing at an NDJSON file of `records`.
    static func query(_ sql: String, records: [ValueObject]) async throws -> [ValueObject] {
        let directory = try TemporaryDirectory(prefix: "sluice-fields-duckdb")
        defer { directory.remove() }
        let ndjson = records.map { JSONText.string(.object($0)) }.joined(separator: "\n") + "\n"
        return try await DuckDBOracle.query(sql, csvPath: try directory.write("input.ndjson", ndjson))
    }

    static let words = ["alpha", "Ünïcödé", "日本語", "", "  spaced  ", "O'Neil", "-12", "x,y", "e\u{301}"]

    static func people(_ count: Int) -> [ValueObject] {
        var random = DuckDBOracle.Generator(state: 7)
        return (0..<count).map { i in
            func text() -> Value { random.below(8) == 0 ? .null : .string(words[random.below(words.count)] + String(random.below(50))) }
            return ValueObject([
                ("id", .int(i)), ("name", text()), ("email", text()), ("password", text()),
                ("score", random.below(6) == 0 ? .null : .int(random.below(2000) - 1000)),
            ])
        }
    }

    @Test func selectRenameRemoveMatchProjections() async throws {
        let records = Self.people(3000)
        let columns = "columns = {id: 'BIGINT', name: 'VARCHAR', email: 'VARCHAR', password: 'VARCHAR', score: 'BIGINT'}"
        let input = RecordBatch(records: records)

        let selected = try make(SelectFields.self, #"{"fields": ["email", "id", "score"]}"#).process(input).batch
        let renamed = try make(RenameFields.self, #"{"fields": {"email": "mail", "score": "points"}}"#).process(selected).batch
        let expected = try await Self.query("SELECT email AS mail, id, score AS points FROM read_json('$CSV', \(columns)) ORDER BY id", records: records)
        #expect(renamed.fields == ["mail", "id", "points"])
        #expect(expected.first?.keys == ["mail", "id", "points"])
        #expect(DuckDBOracle.compare(renamed.records, expected, fields: [("mail", "mail"), ("id", "id"), ("points", "points")], label: "select+rename") == 0)

        let removed = try make(RemoveFields.self, #"{"fields": ["password", "name"]}"#).process(input).batch
        let excluded = try await Self.query("SELECT * EXCLUDE (password, name) FROM read_json('$CSV', \(columns)) ORDER BY id", records: records)
        #expect(removed.fields == excluded.first?.keys)
        #expect(DuckDBOracle.compare(removed.records, excluded, fields: [("id", "id"), ("email", "email"), ("score", "score")], label: "remove") == 0)
    }

    /// Text cells for the cast comparison: numbers of every shape, booleans, dates, junk.
    static func castTexts(_ count: Int) -> [Value] {
        let fixed = [
            "", " ", "abc", "12abc", "١٢", "−5", "1,5", "true", "False", "YES", "n", "t", "f", "no", "y", " true", "0", "1", "-0",
            "+7", "2.5", "-2.5", "0.5", "-0.5", "1.5", "1e3", "-1.5e-3", "5.", ".5", "00012", "\t7\n", " 42 ", "9223372036854775807",
            "9223372036854775808", "123456789012345678", "1e18", "1.5e18", "++1", "+", "2024-01-15", "2024-01-15T10:30",
            "2024-01-15 10:30:00Z", "2024-01-15T10:30:00.5+05:30", "2024-01-15T10:30:00-0800", "2024-02-30", "2024-13-01",
            "2023-12-31T23:59:59.999999Z",
        ]
        var random = DuckDBOracle.Generator(state: 99)
        return (0..<count).map { _ in
            switch random.below(10) {
            case 0: return .null
            case 1, 2, 3: return .string(fixed[random.below(fixed.count)])
            case 4, 5: return .string(String(random.below(2_000_000) - 1_000_000))
            case 6: return .string("\(random.below(2) == 0 ? "-" : "")\(random.below(1000)).5")
            default: return .string(String(Double(random.below(2_000_000) - 1_000_000) / 1000))
            }
        }
    }

    @Test func castMatchesTryCast() async throws {
        let texts = Self.castTexts(5000)
        let records = texts.enumerated().map { ValueObject([("i", .int($0.offset)), ("v", $0.element)]) }
        let expected = try await Self.query(
            """
            SET TimeZone = 'UTC';
            SELECT i, TRY_CAST(v AS DOUBLE) AS num, TRY_CAST(v AS BIGINT) AS int, TRY_CAST(v AS BOOLEAN) AS bool,
                   epoch_us(TRY_CAST(v AS TIMESTAMPTZ)) AS ts
            FROM read_json('$CSV', columns = {i: 'BIGINT', v: 'VARCHAR'}) ORDER BY i
            """, records: records)
        let input = RecordBatch(records: texts.enumerated().map { i, v in
            ValueObject([("i", .int(i)), ("num", v), ("int", v), ("bool", v), ("ts", v)])
        })
        let cast = try make(CastFields.self, #"{"fields": {"num": "number", "int": "integer", "bool": "boolean", "ts": "date"}, "onError": "null"}"#)
        for layout in [input, valuesLayout(input)] {
            let out = try cast.process(layout).batch.records.map { record in
                var record = record
                if case .timestamp(let t)? = record["ts"] { record["ts"] = .int(Int(t.microseconds)) }
                return record
            }
            #expect(DuckDBOracle.compare(out, expected, fields: [("num", "num"), ("int", "int"), ("bool", "bool"), ("ts", "ts")], label: "cast") == 0)
        }
    }

    @Test func castFromNumbersMatchesTryCast() async throws {
        var random = DuckDBOracle.Generator(state: 5)
        let doubles: [Value] = (0..<2000).map { _ in
            random.below(10) == 0 ? .null : .double(Double(random.below(20_000) - 10_000) / 4)
        }
        let records = doubles.enumerated().map { ValueObject([("i", .int($0.offset)), ("d", $0.element)]) }
        let expected = try await Self.query(
            "SELECT i, TRY_CAST(d AS BIGINT) AS int, TRY_CAST(d AS BOOLEAN) AS bool FROM read_json('$CSV', columns = {i: 'BIGINT', d: 'DOUBLE'}) ORDER BY i",
            records: records)
        let input = RecordBatch(records: doubles.enumerated().map { ValueObject([("i", .int($0.offset)), ("int", $0.element), ("bool", $0.element)]) })
        let out = try make(CastFields.self, #"{"fields": {"int": "integer", "bool": "boolean"}}"#).process(input)
        #expect(out.rejected.isEmpty)
        #expect(DuckDBOracle.compare(out.batch.records, expected, fields: [("int", "int"), ("bool", "bool")], label: "cast numbers") == 0)
    }

    @Test func flattenMatchesRecursiveUnnest() async throws {
        var random = DuckDBOracle.Generator(state: 11)
        let cities = ["Lima", "Zürich", "東京", ""]
        let records: [ValueObject] = (0..<2000).map { i in
            var address = ValueObject()
            address["city"] = random.below(7) == 0 ? .null : .string(cities[random.below(cities.count)])
            if random.below(3) > 0 { address["zip"] = .int(random.below(99_999)) }
            var user = ValueObject()
            user["name"] = .string("u\(random.below(100))")
            user["address"] = .object(address)
            return ValueObject([("id", .int(i)), ("user", .object(user)), ("score", .double(Double(random.below(1000)) / 8 - 50))])
        }
        let expected = try await Self.query(
            """
            SELECT id, unnest(user, recursive := true), score
            FROM read_json('$CSV', columns = {id: 'BIGINT', user: 'STRUCT(name VARCHAR, address STRUCT(city VARCHAR, zip BIGINT))', score: 'DOUBLE'})
            ORDER BY id
            """, records: records)
        #expect(expected.first?.keys == ["id", "name", "city", "zip", "score"])
        let out = try make(FlattenRecords.self, "{}").process(RecordBatch(records: records)).batch
        #expect(out.fields == ["id", "user.name", "user.address.city", "user.address.zip", "score"])
        let pairs = [("id", "id"), ("user.name", "name"), ("user.address.city", "city"), ("user.address.zip", "zip"), ("score", "score")]
        #expect(DuckDBOracle.compare(out.records, expected, fields: pairs, label: "flatten") == 0)
    }

    @Test func explodeMatchesUnnestOfLists() async throws {
        var random = DuckDBOracle.Generator(state: 13)
        let records: [ValueObject] = (0..<1500).map { i in
            let tags: [Value] = (0..<(1 + random.below(4))).map { _ in random.below(9) == 0 ? .null : .string("t\(random.below(30))") }
            return ValueObject([("id", .int(i)), ("tags", .array(tags))])
        }
        let expected = try await Self.query(
            "SELECT id, unnest(tags) AS tags FROM read_json('$CSV', columns = {id: 'BIGINT', tags: 'VARCHAR[]'})", records: records)
        let out = try make(FlattenRecords.self, #"{"arrays": "explode"}"#).process(RecordBatch(records: records)).batch
        func key(_ row: ValueObject) -> String { "\(row["id"] ?? .null)|\(row["tags"] ?? .null)" }
        #expect(out.count == expected.count)
        #expect(out.records.map(key).sorted() == expected.map(key).sorted())
    }
}

import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Sort, limit, pivot and unpivot against DuckDB's `ORDER BY`, `LIMIT … OFFSET`, `PIVOT` and
/// `UNPIVOT` on the same 3,000 generated rows: nulls in every field, many ties, negative
/// numbers, empty strings and non-ASCII text (sorted by bytes on both sides).
@Suite struct ReshapingDuckDBTests {
    static let rowCount = 3_000
    static let texts = ["b", "a", "é", "Z", "zz", "ä", "日本", "ab", "-1", "😀", "a b"]
    static let regions = ["eu", "us", "ápac"]
    static let quarters = ["q1", "q2", "q3", "Q4", "é5"]

    /// `read_csv` of the generated CSV with its column types; quoted empty text stays empty.
    static let table = """
        read_csv('$CSV', header=true, allow_quoted_nulls=false, columns={'id': 'BIGINT', 'a': 'BIGINT', 's': 'VARCHAR', \
        'd': 'DOUBLE', 'r': 'VARCHAR', 'g': 'BIGINT', 'q': 'VARCHAR', 'v': 'BIGINT'})
        """

    /// The generated rows as one batch (typed columns where a field has one type) and as CSV.
    static func generate() -> (batch: RecordBatch, csv: String) {
        var random = DuckDBOracle.Generator(state: 11)
        var records: [ValueObject] = []
        var csv = "id,a,s,d,r,g,q,v\n"
        func pick(_ options: [String], nullOneIn n: Int) -> Value {
            random.below(n) == 0 ? .null : .string(options[random.below(options.count)])
        }
        for id in 0..<rowCount {
            let a: Value = random.below(10) == 0 ? .null : .int(random.below(11) - 5)
            let s: Value = random.below(15) == 0 ? .string("") : pick(texts, nullOneIn: 10)
            let d: Value = random.below(8) == 0 ? .null : .double(Double(random.below(2_000) - 1_000) / 8)
            let r = pick(regions, nullOneIn: 12)
            let g: Value = .int(random.below(3))
            let q = pick(quarters, nullOneIn: 15)
            let v: Value = random.below(10) == 0 ? .null : .int(random.below(101) - 50)
            let fields: [(String, Value)] = [("id", .int(id)), ("a", a), ("s", s), ("d", d), ("r", r), ("g", g), ("q", q), ("v", v)]
            records.append(ValueObject(fields))
            csv += fields.map { _, value in
                if case .string(let text) = value { return "\"\(text)\"" }
                return DuckDBOracle.cell(value)
            }.joined(separator: ",") + "\n"
        }
        return (RecordBatch(records: records, positions: Array(0..<rowCount)), csv)
    }

    /// The ids of DuckDB's result rows, in order.
    static func ids(_ sql: String, csv: String) async throws -> [Int] {
        try await DuckDBOracle.query(sql, csv: csv).map { Int($0["id"]?.number ?? -1) }
    }

    static func ids(_ batch: RecordBatch) -> [Int] {
        (0..<batch.count).map { Int(batch.column(named: "id")?.number(at: $0) ?? -1) }
    }

    @Test(arguments: [
        (#"[{"field": "a", "direction": "desc"}, {"field": "s", "nulls": "first"}, "d"]"#, "a DESC, s ASC NULLS FIRST, d ASC"),
        (#"[{"field": "s", "direction": "desc"}, {"field": "d", "direction": "desc", "nulls": "first"}]"#, "s DESC, d DESC NULLS FIRST"),
        (#"[{"field": "d", "nulls": "first"}, {"field": "q", "direction": "desc", "nulls": "last"}, "a"]"#, "d ASC NULLS FIRST, q DESC NULLS LAST, a"),
    ])
    func sortMatchesOrderBy(by: String, orderBy: String) async throws {
        let (input, csv) = Self.generate()
        // The sort is stable and the input is in id order, so id is DuckDB's last tie-breaker.
        let expected = try await Self.ids("SELECT id FROM \(Self.table) ORDER BY \(orderBy), id", csv: csv)
        let sort = try make(Sort.self, #"{"by": \#(by)}"#)
        let out = try runStateful(sort, slices(input, size: 512))
        #expect(out.count == Self.rowCount)
        #expect(Self.ids(out) == expected)
        #expect(out.positions == Self.ids(out))
    }

    @Test(arguments: [(37, 1234), (500, 0), (100, 2950), (0, 10)])
    func limitMatchesLimitOffset(count: Int, offset: Int) async throws {
        let (input, csv) = Self.generate()
        let expected = try await Self.ids("SELECT id FROM \(Self.table) LIMIT \(count) OFFSET \(offset)", csv: csv)
        let limit = try make(Limit.self, #"{"count": \#(count), "offset": \#(offset)}"#)
        #expect(Self.ids(try runStateful(limit, slices(input, size: 100))) == expected)
    }

    /// Each pivot function against DuckDB's: `count` is `count(*)` (records, no value field),
    /// `countNonNull` is `count(v)`; `v` is null in about one row in ten.
    @Test(arguments: [
        ("sum", "sum(v)"), ("avg", "avg(v)"), ("min", "min(v)"), ("max", "max(v)"), ("count", "count(*)"), ("countNonNull", "count(v)"),
    ])
    func pivotMatchesPivot(aggregate: String, using: String) async throws {
        let (input, csv) = Self.generate()
        let expected = try await DuckDBOracle.query(
            "PIVOT (SELECT r, g, q, v FROM \(Self.table)) ON q USING \(using) GROUP BY r, g", csv: csv)
        let value = aggregate == "count" ? "" : #""value": "v", "#
        let pivot = try make(Pivot.self, #"{"index": ["r", "g"], "column": "q", \#(value)"aggregate": "\#(aggregate)"}"#)
        let out = try runStateful(pivot, slices(input, size: 700))
        // DuckDB leaves the row order open; its columns are sorted by value, as Sluice's.
        let columns = ["r", "g"] + Self.quarters.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(out.fields == columns)
        #expect(expected.first?.keys == columns)
        #expect(out.count == expected.count)
        #expect(out.count == Self.regions.count * 3 + 3)
        func key(_ record: ValueObject) -> String { "\(record["r"] ?? .null)|\(record["g"] ?? .null)" }
        let truth = Dictionary(expected.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var mismatches = 0
        for record in out.records {
            guard let row = truth[key(record)] else {
                Issue.record("\(aggregate): no DuckDB row for \(key(record))")
                continue
            }
            for column in columns where !DuckDBOracle.same(record[column], row[column]) {
                mismatches += 1
                Issue.record("\(aggregate) \(key(record)) \(column): \(record[column] ?? .null) vs DuckDB \(row[column] ?? .null)")
            }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [false, true])
    func unpivotMatchesUnpivot(includeNulls: Bool) async throws {
        let (input, csv) = Self.generate()
        let expected = try await DuckDBOracle.query(
            "SELECT * FROM (SELECT id, a, v, d FROM \(Self.table)) UNPIVOT \(includeNulls ? "INCLUDE NULLS " : "")(x FOR k IN (a, v, d))",
            csv: csv)
        let unpivot = try make(Unpivot.self, #"{"fields": ["a", "v", "d"], "name": "k", "value": "x", "includeNulls": \#(includeNulls)}"#)
        var rows: [String] = []
        for piece in slices(input, size: 333) {
            let out = try unpivot.process(piece).batch
            #expect(out.fields == ["id", "s", "r", "g", "q", "k", "x"])
            for record in out.records { rows.append(Self.line(record)) }
        }
        let truth = expected.map(Self.line)
        #expect(rows.count == truth.count)
        #expect(rows.count > (includeNulls ? 3 * Self.rowCount - 1 : 2 * Self.rowCount))
        // DuckDB leaves the order open; Sluice's is each record's fields in the listed order.
        #expect(rows.sorted() == truth.sorted())
    }

    /// `id|name|value` with the value as a double (DuckDB unpivots BIGINT and DOUBLE as DOUBLE).
    static func line(_ record: ValueObject) -> String {
        let x = record["x"] ?? .null
        return "\(record["id"]?.number.map { Int($0) } ?? -1)|\(record["k"]?.stringValue ?? "?")|\(x.number.map { "\($0)" } ?? "NULL")"
    }
}

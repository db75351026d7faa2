import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Right, full (and inner and left on two keys) joins against DuckDB's SQL joins on the same
/// generated data: 5,000 records and 1,500 lookup records, keys repeating on both sides,
/// keys matching nothing on both sides, null keys on both sides, an int key and a text key
/// (non-ASCII and empty strings). DuckDB leaves the row order open, so rows are compared as
/// multisets; for the unmatched lookup records the left key fields take the lookup keys,
/// which is `COALESCE(l.a, r.x)` in SQL.
@Suite struct JoinOuterDuckDBTests {
    static let leftCount = 5_000
    static let rightCount = 1_500
    static let texts = ["eu", "us", "", "ápac", "日本", "x y"]

    /// Left records (`id`, `a`, `b`), lookup records (`rid`, `x`, `y`, `seg`), and both as CSV.
    static func generate() -> (left: RecordBatch, right: RecordBatch, leftCSV: String, rightCSV: String) {
        var random = DuckDBOracle.Generator(state: 5)
        func cell(_ v: Value) -> String {
            if case .string(let s) = v { return "\"\(s)\"" }
            return DuckDBOracle.cell(v)
        }
        func text() -> Value { random.below(15) == 0 ? .null : .string(texts[random.below(texts.count)]) }
        var right: [ValueObject] = []
        var rightCSV = "rid,x,y,seg\n"
        for rid in 0..<rightCount {
            // x in -100..<350 over 1,500 records: most repeat (y splits them further), and
            // -100…-51 never occur on the left.
            let x: Value = random.below(15) == 0 ? .null : .int(random.below(450) - 100)
            let y = text()
            let seg: Value = random.below(10) == 0 ? .null : .string("s\(random.below(7))")
            right.append(ValueObject([("rid", .int(rid)), ("x", x), ("y", y), ("seg", seg)]))
            rightCSV += [.int(rid), x, y, seg].map(cell).joined(separator: ",") + "\n"
        }
        var left: [ValueObject] = []
        var leftCSV = "id,a,b\n"
        for id in 0..<leftCount {
            // a in -50..<450: 350…449 never occur on the right.
            let a: Value = random.below(15) == 0 ? .null : .int(random.below(500) - 50)
            let b = text()
            left.append(ValueObject([("id", .int(id)), ("a", a), ("b", b)]))
            leftCSV += [.int(id), a, b].map(cell).joined(separator: ",") + "\n"
        }
        return (RecordBatch(records: left), RecordBatch(records: right), leftCSV, rightCSV)
    }

    /// `id|rid|seg|a|b` per row of DuckDB's join.
    static func duckDB(_ kind: String, twoKeys: Bool, leftPath: String, rightPath: String) async throws -> [String] {
        let script = """
            import sys
            try:
                import duckdb
            except ImportError:
                sys.stderr.write("the DuckDB oracle is missing: run `pip install duckdb`\\n")
                sys.exit(3)
            lp, rp, kind, two = sys.argv[1:5]
            con = duckdb.connect()
            on = "l.a = r.x AND l.b = r.y" if two == "1" else "l.a = r.x"
            b = "COALESCE(l.b, r.y)" if two == "1" else "l.b"
            rows = con.execute(
                f"SELECT l.id, r.rid, r.seg, COALESCE(l.a, r.x), {b} "
                f"FROM read_csv(?, header=true, allow_quoted_nulls=false, columns={{'id': 'BIGINT', 'a': 'BIGINT', 'b': 'VARCHAR'}}) l "
                f"{kind} JOIN read_csv(?, header=true, allow_quoted_nulls=false, "
                f"columns={{'rid': 'BIGINT', 'x': 'BIGINT', 'y': 'VARCHAR', 'seg': 'VARCHAR'}}) r ON {on}",
                [lp, rp]).fetchall()
            def show(v):
                return "NULL" if v is None else str(v)
            for row in rows:
                sys.stdout.write("|".join(show(v) for v in row) + "\\n")
            """
        return try await Python.run(script, arguments: [leftPath, rightPath, kind, twoKeys ? "1" : "0"])
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test(arguments: [Join.Kind.right, .full, .inner, .left], [false, true])
    func matchesDuckDB(kind: Join.Kind, twoKeys: Bool) async throws {
        let data = Self.generate()
        let directory = try TemporaryDirectory(prefix: "sluice-outer-join")
        defer { directory.remove() }
        let expected = try await Self.duckDB(
            kind.rawValue.uppercased(), twoKeys: twoKeys,
            leftPath: try directory.write("l.csv", data.leftCSV), rightPath: try directory.write("r.csv", data.rightCSV))

        let on = twoKeys ? #"[{"left": "a", "right": "x"}, {"left": "b", "right": "y"}]"# : #"{"left": "a", "right": "x"}"#
        let join = try make(Join.self, #"{"with": {"type": "file"}, "on": \#(on), "type": "\#(kind.rawValue)", "fields": ["rid", "seg"]}"#)
        let batches = slices(data.left, size: 1_024)
        let out: RecordBatch
        switch try join.preparedTransform(with: data.right) {
        case .stateful(let prepared): out = try runStateful(prepared, batches)
        case .stateless(let prepared): out = RecordBatch.concatenate(try batches.map { try prepared.process($0).batch })
        }
        #expect(out.fields == ["id", "a", "b", "rid", "seg"])
        func show(_ v: Value) -> String { v.isNull ? "NULL" : v.plainText }
        let rows = out.records.map { record in
            ["id", "rid", "seg", "a", "b"].map { show(record[$0] ?? .null) }.joined(separator: "|")
        }
        #expect(rows.count == expected.count)
        #expect(rows.sorted() == expected.sorted())
        // The data has the cases it is meant to have: lookup records without a match (some
        // for a null key, some for a key the records lack), records without a match.
        let cells = rows.map { $0.split(separator: "|", omittingEmptySubsequences: false) }
        let unmatchedLookups = cells.filter { $0[0] == "NULL" }
        #expect(unmatchedLookups.contains { $0[3] == "NULL" } == kind.emitsUnmatchedLookups)
        #expect(unmatchedLookups.contains { Int($0[3]).map { $0 < -50 } ?? false } == kind.emitsUnmatchedLookups)
        #expect(cells.contains { $0[0] != "NULL" && $0[1] == "NULL" } == kind.keepsUnmatchedRecords)
        #expect(rows.count > 1_500)
    }
}

import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// Joins against DuckDB's `LEFT JOIN` / `JOIN` on the same generated data: 20,000 left rows
/// and 3,000 lookup rows, with repeated lookup keys, left keys without a match and null keys
/// on both sides, for int, sparse int, text and mixed int/double keys.
@Suite struct JoinDuckDBTests {
    static let leftCount = 20_000
    static let rightCount = 3_000

    /// How keys are spelled; `n` is the key's number before spelling.
    enum KeyStyle: String, CaseIterable {
        /// Ints 0…2999 (the dense index).
        case dense
        /// Ints spread over ±10^13 (the hashed index).
        case sparse
        /// Non-ASCII text (the text table).
        case text
        /// Lookup keys mix ints and x.5 doubles (`[Value]` storage); left keys are all doubles.
        case mixed

        var duckType: String {
            switch self {
            case .dense, .sparse: return "BIGINT"
            case .text: return "VARCHAR"
            case .mixed: return "DOUBLE"
            }
        }

        func key(_ n: Int, left: Bool) -> Value {
            switch self {
            case .dense: return .int(n)
            case .sparse: return .int(n &* 7_919_000_003 - 10_000_000_000_000)
            case .text: return .string("клиент-\(n)")
            case .mixed: return left || n % 2 == 1 ? .double(Double(n) / 2) : .int(n / 2)
            }
        }
    }

    /// Deterministic pseudo-random numbers (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Left records (`id`, `k`) and lookup records (`rid`, `k`, `seg`), and both as CSV.
    static func generate(_ style: KeyStyle) -> (left: [ValueObject], right: [ValueObject], leftCSV: String, rightCSV: String) {
        var random = Generator(state: 7)
        let segments = ["retail", "smb", "enterprise", "public"]
        func cell(_ v: Value) -> String { v.isNull ? "" : v.plainText }
        var right: [ValueObject] = []
        var rightCSV = "rid,k,seg\n"
        for rid in 0..<rightCount {
            // Keys from 0..<2500 over 3,000 rows: many repeat, and 2500…2999 never occur.
            let k: Value = random.below(20) == 0 ? .null : style.key(random.below(2_500), left: false)
            let seg: Value = random.below(20) == 0 ? .null : .string(segments[random.below(segments.count)])
            right.append(ValueObject([("rid", .int(rid)), ("k", k), ("seg", seg)]))
            rightCSV += "\(rid),\(cell(k)),\(cell(seg))\n"
        }
        var left: [ValueObject] = []
        var leftCSV = "id,k\n"
        for id in 0..<leftCount {
            let k: Value = random.below(20) == 0 ? .null : style.key(random.below(3_000), left: true)
            left.append(ValueObject([("id", .int(id)), ("k", k)]))
            leftCSV += "\(id),\(cell(k))\n"
        }
        return (left, right, leftCSV, rightCSV)
    }

    /// `id|rid|seg` per row of DuckDB's join of the two CSVs.
    static func duckDB(_ joinKind: String, style: KeyStyle, leftPath: String, rightPath: String) async throws -> [String] {
        let script = """
            import sys
            try:
                import duckdb
            except ImportError:
                sys.stderr.write("the DuckDB oracle is missing: run `pip install duckdb`\\n")
                sys.exit(3)
            lp, rp, t, kind = sys.argv[1:5]
            con = duckdb.connect()
            rows = con.execute(
                f"SELECT l.id, r.rid, r.seg FROM read_csv(?, header=true, columns={{'id': 'BIGINT', 'k': '{t}'}}) l "
                f"{kind} JOIN read_csv(?, header=true, columns={{'rid': 'BIGINT', 'k': '{t}', 'seg': 'VARCHAR'}}) r ON l.k = r.k",
                [lp, rp]).fetchall()
            out = sys.stdout
            for i, rid, seg in rows:
                out.write(f"{i}|{'NULL' if rid is None else rid}|{'NULL' if seg is None else seg}\\n")
            """
        return try await Python.run(script, arguments: [leftPath, rightPath, style.duckType, joinKind])
            .split(separator: "\n").map(String.init)
    }

    @Test(arguments: KeyStyle.allCases, [Join.Kind.left, .inner])
    func matchesDuckDB(style: KeyStyle, kind: Join.Kind) async throws {
        let data = Self.generate(style)
        let directory = try TemporaryDirectory(prefix: "sluice-join")
        defer { directory.remove() }
        let leftPath = try directory.write("l.csv", data.leftCSV)
        let rightPath = try directory.write("r.csv", data.rightCSV)
        let expected = try await Self.duckDB(kind == .left ? "LEFT" : "INNER", style: style, leftPath: leftPath, rightPath: rightPath)

        let join = try make(Join.self, #"{"with": {"type": "file"}, "on": "k", "type": "\#(kind.rawValue)", "fields": ["rid", "seg"]}"#)
        let prepared = try join.prepared(with: RecordBatch(records: data.right))
        var rows: [String] = []
        var order: [(id: Int, rid: Int)] = []
        for start in stride(from: 0, to: Self.leftCount, by: 4096) {
            let end = min(start + 4096, Self.leftCount)
            let input = RecordBatch(records: Array(data.left[start..<end]), positions: Array(start..<end))
            let out = try prepared.process(input).batch
            #expect(out.fields == ["id", "k", "rid", "seg"])
            for row in 0..<out.count {
                let id = out.value(row: row, column: 0)
                let rid = out.value(row: row, column: 2)
                let seg = out.value(row: row, column: 3)
                #expect(out.positions[row] == id.number.map { Int($0) })
                rows.append("\(id.plainText)|\(rid.isNull ? "NULL" : rid.plainText)|\(seg.isNull ? "NULL" : seg.plainText)")
                order.append((Int(id.number ?? -1), Int(rid.number ?? -1)))
            }
        }
        #expect(rows.count == expected.count)
        #expect(rows.sorted() == expected.sorted())
        // Output follows the left order, and each left row's matches follow the lookup order.
        #expect(zip(order, order.dropFirst()).allSatisfy { a, b in a.id < b.id || (a.id == b.id && a.rid < b.rid) })
        // The data has the cases it is meant to have.
        #expect(rows.count > (kind == .left ? Self.leftCount : 15_000))
        #expect(rows.contains { $0.hasSuffix("|NULL|NULL") } == (kind == .left))
    }
}

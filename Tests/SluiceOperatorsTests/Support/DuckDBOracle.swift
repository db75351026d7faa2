import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceOperators

/// DuckDB as the reference implementation for differential tests.
///
/// The oracle must be installed (`pip install duckdb`); without it the query throws with
/// that instruction, so the test fails instead of skipping.
enum DuckDBOracle {
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

    /// Runs `sql` in DuckDB, with `$CSV` replaced by the path of a file holding `csv`, and
    /// returns one object per result row.
    static func query(_ sql: String, csv: String) async throws -> [ValueObject] {
        let directory = try TemporaryDirectory(prefix: "sluice-duckdb")
        defer { directory.remove() }
        return try await query(sql, csvPath: try directory.write("input.csv", csv))
    }

    /// Runs `sql` in DuckDB with `$CSV` replaced by `csvPath`.
    static func query(_ sql: String, csvPath: String) async throws -> [ValueObject] {
        let script = """
            import json, sys
            try:
                import duckdb
            except ImportError:
                sys.stderr.write("the DuckDB oracle is missing: run `pip install duckdb`\\n")
                sys.exit(3)
            con = duckdb.connect()
            cur = con.execute(sys.argv[2].replace("$CSV", sys.argv[1].replace("'", "''")))
            names = [d[0] for d in cur.description]
            print(json.dumps([dict(zip(names, row)) for row in cur.fetchall()]))
            """
        let data = try await Python.run(script, arguments: [csvPath, sql])
        guard case .array(let rows) = try JSONParser.parse(data) else { throw TestFailure("unexpected DuckDB output") }
        return rows.compactMap(\.objectValue)
    }

    /// Whether two numbers agree to 1e-9 relative (or both are null or missing).
    static func close(_ a: Value?, _ b: Value?) -> Bool {
        switch (a?.number, b?.number) {
        case (nil, nil): return (a ?? .null).isNull && (b ?? .null).isNull
        case (let x?, let y?): return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
        default: return false
        }
    }

    /// Whether two cells agree: numbers to 1e-9 relative, anything else exactly (a missing
    /// key counts as null).
    static func same(_ a: Value?, _ b: Value?) -> Bool {
        if (a ?? .null).number != nil || (b ?? .null).number != nil { return close(a, b) }
        return (a ?? .null) == (b ?? .null)
    }

    /// A CSV cell: empty for null (DuckDB reads an empty cell as NULL), plain text otherwise.
    static func cell(_ value: Value) -> String {
        value.isNull ? "" : value.plainText
    }

    /// Records `expected` row by row against `actual` on `fields` (oracle column names may
    /// differ: `fields` maps Sluice field → DuckDB column); returns the number of mismatches.
    @discardableResult
    static func compare(
        _ actual: [ValueObject], _ expected: [ValueObject], fields: [(String, String)], label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Int {
        #expect(actual.count == expected.count, "\(label): \(actual.count) rows vs DuckDB \(expected.count)", sourceLocation: sourceLocation)
        var mismatches = 0
        for (i, (row, truth)) in zip(actual, expected).enumerated() {
            for (field, column) in fields where !same(row[field], truth[column]) {
                mismatches += 1
                if mismatches <= 10 {
                    Issue.record(
                        "\(label) row \(i) \(field): \(row[field] ?? .null) vs DuckDB \(truth[column] ?? .null); row \(Value.object(row))",
                        sourceLocation: sourceLocation)
                }
            }
        }
        return mismatches
    }
}

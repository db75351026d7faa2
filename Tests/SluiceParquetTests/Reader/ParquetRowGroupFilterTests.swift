import Foundation
import SluiceCore
import SluiceFormats
import SluiceParquet
import SluiceTestSupport
import Testing

/// Row groups skipped by their statistics: a file of ten sorted row groups of 100 rows each,
/// and conditions that rule out exactly k of them.
@Suite struct ParquetRowGroupFilterTests {
    /// The file and its size, written once by the first test that awaits it (a task, so that
    /// writing it blocks no thread while other tests wait for it).
    static let file = Task<(path: String, size: Int), any Error> {
        let directory = try TemporaryDirectory(prefix: "sluice-parquet-filter")
        let path = directory.file("sorted.parquet")
        _ = try await Python.run(
            #"""
            import sys, decimal, pyarrow as pa, pyarrow.parquet as pq
            n = 1000
            t = pa.table({
                "id": pa.array(range(n), pa.int64()),
                "name": pa.array(["r%04d" % i for i in range(n)], pa.string()),
                "amount": pa.array([i * 0.5 for i in range(n)], pa.float64()),
                "small": pa.array([i // 10 for i in range(n)], pa.int32()),
                "u": pa.array([2**64 - 1000 + i for i in range(n)], pa.uint64()),
                "dec": pa.array([decimal.Decimal(i).scaleb(-2) for i in range(n)], pa.decimal128(10, 2)),
                "ts": pa.array(range(n), pa.int64()).cast(pa.timestamp("ms", tz="UTC")),
                "day": pa.array(range(n), pa.int32()).cast(pa.date32()),
                "opt": pa.array([None if (i // 100 == 3 or (i // 100 in (1, 6) and i % 2)) else i for i in range(n)], pa.int64()),
                "flag": pa.array([i >= 500 for i in range(n)], pa.bool_()),
                "l": pa.array([[i] for i in range(n)], pa.list_(pa.int64())),
            })
            pq.write_table(t, sys.argv[1], row_group_size=100, compression="none")
            """#, arguments: [path])
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        return (path, size)
    }

    private func read(_ conditions: [FieldCondition]) async throws -> ParquetRead {
        var options = DecodeOptions(batchSize: 64)
        options.conditions = conditions
        return try ParquetFixtures.read(path: try await Self.file.value.path, options: options)
    }

    /// Reads with `conditions` and checks that exactly the row groups `kept` (0-based) were read.
    private func check(_ conditions: [FieldCondition], keeps kept: [Int], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let read = try await read(conditions)
        #expect(read.rowGroupsSkipped == 10 - kept.count, "\(conditions)", sourceLocation: sourceLocation)
        let rows = kept.flatMap { Array(($0 * 100)..<($0 * 100 + 100)) }
        #expect(read.positions == rows.map { $0 + 1 }, "positions count skipped rows", sourceLocation: sourceLocation)
        let ids = read.rows.map { $0[0] }
        #expect(ids == rows.map { Value.int($0) }, sourceLocation: sourceLocation)
        #expect(read.bytes == (try await Self.file.value.size), "bytes add up to the file size", sourceLocation: sourceLocation)
    }

    @Test func integerComparisons() async throws {
        try await check([FieldCondition(field: "id", comparison: .less, value: 250)], keeps: [0, 1, 2])
        try await check([FieldCondition(field: "id", comparison: .less, value: 200)], keeps: [0, 1])
        try await check([FieldCondition(field: "id", comparison: .lessOrEqual, value: 200)], keeps: [0, 1, 2])
        try await check([FieldCondition(field: "id", comparison: .greaterOrEqual, value: 950)], keeps: [9])
        try await check([FieldCondition(field: "id", comparison: .greater, value: 899)], keeps: [9])
        try await check([FieldCondition(field: "id", comparison: .greater, value: 899.5)], keeps: [9])
        try await check([FieldCondition(field: "id", comparison: .equal, value: 555)], keeps: [5])
        try await check([FieldCondition(field: "id", comparison: .equal, value: 5000)], keeps: [])
        try await check(
            [FieldCondition(field: "id", comparison: .greaterOrEqual, value: 200), FieldCondition(field: "id", comparison: .less, value: 400)],
            keeps: [2, 3])
        try await check([FieldCondition(field: "small", comparison: .equal, value: 42)], keeps: [4])
        // Unsigned 64-bit values above Int.max (read as decimal text, compared as numbers).
        try await check([FieldCondition(field: "u", comparison: .less, value: .int(Int.max))], keeps: [])
        try await check([FieldCondition(field: "u", comparison: .greater, value: .int(Int.max))], keeps: Array(0..<10))
    }

    @Test func otherTypes() async throws {
        try await check([FieldCondition(field: "name", comparison: .greater, value: "r0700")], keeps: [7, 8, 9])
        try await check([FieldCondition(field: "name", comparison: .less, value: "r0100")], keeps: [0])
        try await check([FieldCondition(field: "amount", comparison: .lessOrEqual, value: 10.5)], keeps: [0])
        try await check([FieldCondition(field: "dec", comparison: .greaterOrEqual, value: 9.5)], keeps: [9])
        try await check([FieldCondition(field: "ts", comparison: .greaterOrEqual, value: "1970-01-01T00:00:00.500Z")], keeps: [5, 6, 7, 8, 9])
        try await check(
            [FieldCondition(field: "ts", comparison: .less, value: .timestamp(Timestamp(milliseconds: 100)))], keeps: [0])
        try await check([FieldCondition(field: "day", comparison: .greaterOrEqual, value: "1972-01-01")], keeps: [7, 8, 9])
        try await check([FieldCondition(field: "flag", comparison: .equal, value: true)], keeps: [5, 6, 7, 8, 9])
    }

    @Test func nullConditions() async throws {
        try await check([FieldCondition(field: "opt", comparison: .isNull)], keeps: [1, 3, 6])
        try await check([FieldCondition(field: "opt", comparison: .equal, value: nil)], keeps: [1, 3, 6])
        try await check([FieldCondition(field: "opt", comparison: .isNotNull)], keeps: [0, 1, 2, 4, 5, 6, 7, 8, 9])
        try await check([FieldCondition(field: "opt", comparison: .greater, value: 0)], keeps: [0, 1, 2, 4, 5, 6, 7, 8, 9])
        try await check([FieldCondition(field: "id", comparison: .isNull)], keeps: [])
    }

    @Test func conservativeWhenUnsure() async throws {
        let all = Array(0..<10)
        try await check([FieldCondition(field: "id", comparison: .equal, value: "5")], keeps: all)
        try await check([FieldCondition(field: "id", comparison: .notEqual, value: 5)], keeps: all)
        try await check([FieldCondition(field: "name", comparison: .equal, value: 5)], keeps: all)
        try await check([FieldCondition(field: "l", comparison: .isNull)], keeps: all)
        try await check([FieldCondition(field: "missing", comparison: .equal, value: 1)], keeps: all)
        try await check([FieldCondition(field: "amount", comparison: .less, value: .double(.nan))], keeps: all)
        try await check([FieldCondition(field: "ts", comparison: .less, value: "not a date")], keeps: all)
    }
}

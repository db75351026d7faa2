import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// A file target with `partitionBy`: Hive-style folders, one file per partition, checked by
/// DuckDB reading them back with `hive_partitioning`.
@Suite struct PartitionedTargetTests {
    static func target(_ dir: TemporaryDirectory, _ config: Value) throws -> FileTarget {
        let decoded = try ValueDecoder().decode(FileTarget.Config.self, from: config)
        return try FileTarget(config: decoded, context: ComponentContext(dataRoots: DataRoots([dir.path]), jobId: "job-1"))
    }

    static func batch(_ ids: Range<Int>) -> RecordBatch {
        RecordBatch(
            records: ids.map { id in
                ValueObject([
                    ("id", .int(id)), ("year", id % 3 == 0 ? .null : .int(2023 + id % 2)), ("month", .string(id % 4 == 0 ? "a/b" : "m\(id % 2)")),
                    ("amount", .double(Double(id) + 0.25)),
                ])
            })
    }

    /// Every file under `path`, relative, sorted.
    static func tree(_ path: String) -> [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter { name in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }.sorted()
    }

    @Test func recordsLandInHiveFoldersThatDuckDBReadsBack() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        let target = try Self.target(dir, ["path": .string(dir.file("out")), "format": "csv", "partitionBy": ["year", "month"]])
        let writer = try await target.open(batchSize: nil)
        try await writer.write(Self.batch(0..<10))
        try await writer.write(Self.batch(10..<40))
        // Before the commit only hidden temporary files exist, one per partition.
        let before = Self.tree(dir.file("out"))
        #expect(before.count == 6)
        #expect(before.allSatisfy { $0.split(separator: "/").last?.hasPrefix(".") == true })
        try await writer.commit()
        #expect(
            Self.tree(dir.file("out")) == [
                "year=2023/month=a%2Fb/part-0.csv", "year=2023/month=m0/part-0.csv", "year=2024/month=m1/part-0.csv",
                "year=__HIVE_DEFAULT_PARTITION__/month=a%2Fb/part-0.csv", "year=__HIVE_DEFAULT_PARTITION__/month=m0/part-0.csv",
                "year=__HIVE_DEFAULT_PARTITION__/month=m1/part-0.csv",
            ])
        #expect(try dir.read("out/year=2024/month=m1/part-0.csv").hasPrefix("id,amount\n1,1.25\n"))
        let read = try await Python.run(
            """
            import duckdb, sys
            rows = duckdb.sql(f"SELECT id, amount, year, month FROM read_csv('{sys.argv[1]}/**/*.csv', hive_partitioning=true) ORDER BY id").fetchall()
            for r in rows: print(r[0], r[1], r[2], r[3], sep="|")
            """, arguments: [dir.file("out")])
        let expected = (0..<40).map { id in
            "\(id)|\(Double(id) + 0.25)|\(id % 3 == 0 ? "None" : String(2023 + id % 2))|\(id % 4 == 0 ? "a/b" : "m\(id % 2)")"
        }
        #expect(read.split(separator: "\n").map(String.init) == expected)
    }

    @Test func anAbortedWriteLeavesNoFilesAndNoFolders() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("keep.txt", "x")
        let target = try Self.target(dir, ["path": .string(dir.path), "format": "ndjson", "partitionBy": ["month"]])
        let writer = try await target.open(batchSize: 1)
        try await writer.write(Self.batch(0..<12))
        await writer.abort()
        #expect(try dir.list() == ["keep.txt"])
    }

    @Test func appendAddsAFilePerPartitionAndWriteReplacesPartZero() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for mode in ["write", "write", "append"] {
            let target = try Self.target(dir, ["path": .string(dir.path), "format": "ndjson", "partitionBy": ["month"], "mode": .string(mode)])
            let writer = try await target.open(batchSize: nil)
            try await writer.write(Self.batch(0..<2))
            try await writer.commit()
        }
        let files = Self.tree(dir.path)
        #expect(files.count == 4)
        #expect(files.filter { $0.hasSuffix("/part-0.ndjson") } == ["month=a%2Fb/part-0.ndjson", "month=m1/part-0.ndjson"])
        #expect(try dir.read("month=m1/part-0.ndjson") == #"{"id":1,"year":2024,"amount":1.25}"# + "\n")
    }

    @Test func configErrorsNameTheKey() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: SpecError(path: "format", "with partitionBy the path is a directory: set format")) {
            try Self.target(dir, ["path": .string(dir.path), "partitionBy": ["a"]])
        }
        #expect(throws: SpecError(path: "partitionBy", "names a field twice")) {
            try Self.target(dir, ["path": .string(dir.path), "format": "csv", "partitionBy": ["a", "a"]])
        }
        #expect(throws: SpecError(path: "compression", "csv files take compression auto, none, gzip, zstd, bzip2, not snappy")) {
            try Self.target(dir, ["path": .string(dir.file("x.csv")), "compression": "snappy"])
        }
    }
}

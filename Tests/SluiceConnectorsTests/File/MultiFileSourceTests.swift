import Foundation
@testable import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// Many files as one source: globs, directories, Hive partition folders and the file-name
/// field, checked against DuckDB reading the same files.
@Suite struct MultiFileSourceTests {
    static func source(_ dir: TemporaryDirectory, _ config: Value, batchSize: Int = 4096) throws -> FileSource {
        let decoded = try ValueDecoder().decode(FileSource.Config.self, from: config)
        return try FileSource(config: decoded, context: ComponentContext(dataRoots: DataRoots([dir.path]), batchSize: batchSize))
    }

    static func write(_ dir: TemporaryDirectory, _ name: String, _ text: String) throws {
        let path = dir.file(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Every record of a read, as compact JSON lines, in read order; and the bytes counted.
    static func readAll(_ source: FileSource, blocks: Bool = false) async throws -> (lines: [String], bytes: Int, rejected: [Rejection]) {
        var lines: [String] = []
        var bytes = 0
        var rejected: [Rejection] = []
        func take(_ chunk: SourceChunk) {
            bytes += chunk.bytes
            rejected += chunk.rejected
            for row in 0..<chunk.batch.count { lines.append(JSONText.string(.object(chunk.batch.record(at: row)))) }
        }
        if blocks, let reader = try await source.openBlocks(blockBytes: 4096) {
            while let block = try await reader.nextBlock() {
                let chunks = try block.decode()
                #expect(chunks.reduce(0) { $0 + $1.bytes } == block.byteCount)
                chunks.forEach(take)
            }
        } else {
            let reader = try await source.open()
            while let chunk = try await reader.next() { take(chunk) }
        }
        return (lines, bytes, rejected)
    }

    /// A small partitioned data set: three files in `year=/month=` folders, plus files a read
    /// must skip (hidden, `_SUCCESS`, another extension).
    static func makeSales(_ dir: TemporaryDirectory) throws -> Int {
        var total = 0
        let files = [
            "sales/year=2023/month=11/a.csv": "id,amount\n1,10.5\n2,7\n",
            "sales/year=2024/month=01/b.csv": "id,amount\n3,1.25\n",
            "sales/year=2024/month=02/c.csv": (4..<600).map { "\($0),\($0 % 17)" }.joined(separator: "\n").prepending("id,amount\n") + "\n",
        ]
        for (name, text) in files {
            try write(dir, name, text)
            total += text.utf8.count
        }
        try write(dir, "sales/year=2024/month=01/.b.csv.sluice-job-1.tmp", "id,amount\n99,99\n")
        try write(dir, "sales/year=2024/month=01/.hidden.csv", "id,amount\n98,98\n")
        try write(dir, "sales/_SUCCESS", "")
        try write(dir, "sales/notes.txt", "not data\n")
        return total
    }

    @Test func aGlobWithHivePartitionsAndFileNamesEqualsDuckDB() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let total = try Self.makeSales(dir)
        let pattern = dir.file("sales/**/*.csv")
        for blocks in [false, true] {
            let source = try Self.source(dir, ["path": .string(pattern), "fileNameField": "file"])
            let (lines, bytes, rejected) = try await Self.readAll(source, blocks: blocks)
            #expect(rejected.isEmpty)
            #expect(bytes == total)
            let expected = try await Python.run(
                """
                import duckdb, json, sys
                rows = duckdb.sql(f"SELECT id, amount, year, month, filename AS file FROM read_csv('{sys.argv[1]}', hive_partitioning=true, filename=true) WHERE NOT regexp_matches(filename, '/[.][^/]*$') ORDER BY filename, id").fetchall()
                for r in rows:
                    amount = r[1] if r[1] != int(r[1]) else int(r[1])
                    print(json.dumps({"id": r[0], "amount": amount, "year": r[2], "month": r[3], "file": r[4]}, separators=(",", ":"), ensure_ascii=False))
                """, arguments: [pattern]
            ).split(separator: "\n").map(String.init)
            #expect(lines.count == 599)
            #expect(expected.count == 599)
            let difference = Array(zip(lines, expected)).firstIndex { $0.0 != $0.1 }
            #expect(difference == nil, "first difference: \(difference.map { "\(lines[$0]) vs \(expected[$0])" } ?? "")")
        }
    }

    @Test func aDirectoryReadsEveryFileOfTheFormatInSortedOrder() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.makeSales(dir)
        let source = try Self.source(dir, ["path": .string(dir.file("sales")), "hivePartitioning": false], batchSize: 100)
        let (lines, _, _) = try await Self.readAll(source)
        #expect(lines.count == 599)
        #expect(lines.prefix(3) == [#"{"id":1,"amount":10.5}"#, #"{"id":2,"amount":7}"#, #"{"id":3,"amount":1.25}"#])
        #expect(lines.last == #"{"id":599,"amount":4}"#)
    }

    @Test func aRejectedRowNamesItsFileAndLine() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Self.write(dir, "in/a.ndjson", "{\"id\": 1}\n")
        try Self.write(dir, "in/b.ndjson", "{\"id\": 2}\n{\"id\": \n{\"id\": 4}\n")
        let source = try Self.source(dir, ["path": .string(dir.file("in/*.ndjson"))])
        let (lines, _, rejected) = try await Self.readAll(source)
        #expect(lines == [#"{"id":1}"#, #"{"id":2}"#, #"{"id":4}"#])
        #expect(rejected.count == 1)
        #expect(rejected.first?.position == 2)
        #expect(rejected.first?.reasons.first?.hasPrefix("in \(dir.file("in/b.ndjson")): ") == true)
    }

    @Test func aPatternMatchingNothingReadsNothingAndAnEscapingSymlinkIsRefused() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        try Self.write(dir, "in/a.csv", "x\n1\n")
        let none = try Self.source(dir, ["path": .string(dir.file("in/*.json")), "format": "json"])
        #expect(try await Self.readAll(none).lines.isEmpty)
        try outside.write("secret.csv", "x\n2\n")
        try FileManager.default.createSymbolicLink(atPath: dir.file("in/link.csv"), withDestinationPath: outside.file("secret.csv"))
        let source = try Self.source(dir, ["path": .string(dir.file("in/*.csv"))])
        await #expect(throws: AccessDenied.self) { try await Self.readAll(source) }
    }

    @Test func hiveValuesAreTypedAndUnescaped() {
        let fields = HivePartitions.fields(
            of: ["year=2024", "month=05", "rate=1.5", "city=S%C3%A3o Paulo", "code=__HIVE_DEFAULT_PARTITION__", "plain", "day=2024-05-01", "n=-7"])
        #expect(fields.map(\.name) == ["year", "month", "rate", "city", "code", "day", "n"])
        #expect(
            fields.map(\.value) == [
                .int(2024), .string("05"), .string("1.5"), .string("São Paulo"), .null, .timestamp(Timestamp(iso8601: "2024-05-01") ?? Timestamp(microseconds: 0)),
                .int(-7),
            ])
        #expect(HivePartitions.folder(name: "path", value: .string("a/b=c")) == "path=a%2Fb%3Dc")
        #expect(HivePartitions.folder(name: "n", value: .null) == "n=__HIVE_DEFAULT_PARTITION__")
    }
}

extension String {
    fileprivate func prepending(_ prefix: String) -> String { prefix + self }
}

extension MultiFileSourceTests {
    @Test func aPatternStartingOutsideTheDataRootsIsRefusedAtPlanning() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        #expect(throws: AccessDenied.self) { try Self.source(dir, ["path": .string(outside.file("*.csv"))]) }
        #expect(throws: AccessDenied.self) { try Self.source(dir, ["path": .string(dir.file("../**/*.csv"))]) }
    }
}

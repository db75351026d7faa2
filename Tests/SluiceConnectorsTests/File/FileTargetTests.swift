import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct FileTargetTests {
    static func target(_ dir: TemporaryDirectory, _ config: Value) throws -> FileTarget {
        let decoded = try ValueDecoder().decode(FileTarget.Config.self, from: config)
        return try FileTarget(config: decoded, context: ComponentContext(dataRoots: DataRoots([dir.path])))
    }

    static let batch = RecordBatch(records: [ValueObject([("a", 1), ("b", "x,y")]), ValueObject([("a", 2), ("b", .null)])])

    @Test func nothingIsVisibleUntilCommitAndAbortLeavesTheOldFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("out.csv", "old\n")
        let target = try Self.target(dir, ["path": .string(dir.file("out.csv"))])
        let writer = try await target.open(batchSize: 1)
        try await writer.write(Self.batch)
        #expect(try dir.read("out.csv") == "old\n")
        await writer.abort()
        #expect(try dir.read("out.csv") == "old\n")
        #expect(try dir.list() == ["out.csv"])

        let second = try await target.open(batchSize: 1)
        try await second.write(Self.batch)
        try await second.commit()
        #expect(try dir.read("out.csv") == "a,b\n1,\"x,y\"\n2,\n")
        #expect(try dir.list() == ["out.csv"])
    }

    @Test func appendingCSVWritesTheHeaderOnce() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let target = try Self.target(dir, ["path": .string(dir.file("out.csv")), "mode": "append"])
        for _ in 0..<2 {
            let writer = try await target.open(batchSize: nil)
            try await writer.write(Self.batch)
            try await writer.commit()
        }
        #expect(try dir.read("out.csv") == "a,b\n1,\"x,y\"\n2,\n1,\"x,y\"\n2,\n")
    }

    @Test func aDirectoryInTheWayFailsWithTheResolvedPath() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("out.json"), withIntermediateDirectories: false)
        await #expect(throws: ConnectorError.io("cannot write '\(dir.file("out.json"))' (from '\(dir.file("x/../out.json"))'): it is a directory, not a file")) {
            _ = try await Self.target(dir, ["path": .string(dir.file("x/../out.json"))]).open(batchSize: nil)
        }
        await #expect(throws: ConnectorError.io("cannot write '\(dir.file("no/out.json"))': directory '\(dir.file("no"))' does not exist")) {
            _ = try await Self.target(dir, ["path": .string(dir.file("no/out.json"))]).open(batchSize: nil)
        }
        #expect(try dir.list() == ["out.json"])
    }

    @Test func configurationErrorsNameTheField() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: SpecError(path: "format", "cannot tell the format of '\(dir.file("out.txt"))' from its extension; set format to one of json, ndjson, csv, parquet, avro, xlsx")) {
            try Self.target(dir, ["path": .string(dir.file("out.txt"))])
        }
        #expect(throws: SpecError(path: "delimiter", "expected a single ASCII character other than a quote or line break, got '\"'")) {
            try Self.target(dir, ["path": .string(dir.file("out.csv")), "delimiter": "\""])
        }
        #expect(throws: SpecError(path: "mode", "unknown mode 'merge'; expected write or append")) {
            try Self.target(dir, ["path": .string(dir.file("out.csv")), "mode": "merge"])
        }
    }
}

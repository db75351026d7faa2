import Foundation
import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

/// Text files compressed as a whole: Python's `gzip` and `zstandard` compress, Sluice reads
/// (sequentially and in parallel blocks) exactly what it reads from the plain file; Sluice
/// compresses, Python decompresses exactly the plain output.
@Suite struct CompressedFileTests {
    static func source(_ dir: TemporaryDirectory, _ config: Value) throws -> FileSource {
        let decoded = try ValueDecoder().decode(FileSource.Config.self, from: config)
        return try FileSource(config: decoded, context: ComponentContext(dataRoots: DataRoots([dir.path]), batchSize: 1000))
    }

    static func target(_ dir: TemporaryDirectory, _ config: Value) throws -> FileTarget {
        let decoded = try ValueDecoder().decode(FileTarget.Config.self, from: config)
        return try FileTarget(config: decoded, context: ComponentContext(dataRoots: DataRoots([dir.path])))
    }

    /// 30,000 CSV rows with quoted fields and line breaks inside quotes.
    static func csv() -> String {
        var text = "id,name,amount\n"
        for i in 0..<30_000 { text += i % 97 == 0 ? "\(i),\"multi\nline \(i)\",\(i).25\n" : "\(i),name \(i % 13),\(i % 1000)\n" }
        return text
    }

    static func compress(_ dir: TemporaryDirectory, _ plain: String, to name: String, codec: String) async throws {
        let plainPath = try dir.write("plain.tmp", plain)
        _ = try await Python.run(
            """
            import gzip, sys, zstandard
            data = open(sys.argv[1], 'rb').read()
            half = len(data) // 2
            if sys.argv[3] == 'gzip':
                # Two members, as `cat a.gz b.gz` makes: readers take their concatenation.
                out = gzip.compress(data[:half]) + gzip.compress(data[half:])
            else:
                out = zstandard.ZstdCompressor(level=3, write_checksum=True).compress(data[:half]) + zstandard.ZstdCompressor(level=19).compress(data[half:])
            open(sys.argv[2], 'wb').write(out)
            """, arguments: [plainPath, dir.file(name), codec])
        try FileManager.default.removeItem(atPath: plainPath)
    }

    static func read(_ source: FileSource, blocks: Bool) async throws -> (rows: [String], bytes: Int) {
        var rows: [String] = []
        var bytes = 0
        if blocks, let reader = try await source.openBlocks(blockBytes: 64 << 10) {
            while let block = try await reader.nextBlock() {
                for chunk in try block.decode() {
                    bytes += chunk.bytes
                    rows += chunk.batch.records.map { JSONText.string(.object($0)) }
                }
            }
        } else {
            let reader = try await source.open()
            while let chunk = try await reader.next() {
                bytes += chunk.bytes
                rows += chunk.batch.records.map { JSONText.string(.object($0)) }
            }
        }
        return (rows, bytes)
    }

    @Test(arguments: ["gzip", "zstd"])
    func aCompressedCSVReadsAsThePlainOne(codec: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let plain = Self.csv()
        try dir.write("orders.csv", plain)
        let name = codec == "gzip" ? "orders.csv.gz" : "orders.csv.zst"
        try await Self.compress(dir, plain, to: name, codec: codec)
        let size = try FileManager.default.attributesOfItem(atPath: dir.file(name))[.size] as? Int
        let expected = try await Self.read(Self.source(dir, ["path": .string(dir.file("orders.csv"))]), blocks: false).rows
        #expect(expected.count == 30_000)
        for blocks in [false, true] {
            let got = try await Self.read(Self.source(dir, ["path": .string(dir.file(name))]), blocks: blocks)
            #expect(got.rows.count == expected.count)
            #expect(got.rows == expected, "first difference at \(Array(zip(got.rows, expected)).firstIndex { $0.0 != $0.1 } ?? -1)")
            #expect(got.bytes == size)
        }
    }

    @Test(arguments: ["gzip", "zstd"])
    func aCompressedTargetDecompressesToThePlainOutput(codec: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let records = (0..<20_000).map { ValueObject([("id", .int($0)), ("text", .string("row \($0) " + String(repeating: "x", count: $0 % 50)))]) }
        let name = codec == "gzip" ? "out.ndjson.gz" : "out.ndjson.zst"
        for path in ["out.ndjson", name] {
            let writer = try await Self.target(dir, ["path": .string(dir.file(path))]).open(batchSize: 1000)
            for start in stride(from: 0, to: records.count, by: 1000) {
                try await writer.write(RecordBatch(records: Array(records[start..<(start + 1000)])))
            }
            try await writer.commit()
        }
        let matches = try await Python.run(
            """
            import gzip, sys, zstandard
            data = open(sys.argv[2], 'rb').read()
            plain = gzip.decompress(data) if sys.argv[3] == 'gzip' else zstandard.ZstdDecompressor().decompressobj().decompress(data)
            print(plain == open(sys.argv[1], 'rb').read(), len(data) < len(plain) // 3)
            """, arguments: [dir.file("out.ndjson"), dir.file(name), codec])
        #expect(matches == "True True\n")
        #expect(try dir.list() == [name, "out.ndjson"].sorted())
    }

    @Test func aTruncatedGzipFileFailsNamingTheFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try await Self.compress(dir, Self.csv(), to: "whole.csv.gz", codec: "gzip")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("whole.csv.gz")))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: dir.file("cut.csv.gz")))
        let source = try Self.source(dir, ["path": .string(dir.file("cut.csv.gz"))])
        await #expect {
            _ = try await Self.read(source, blocks: false)
        } throws: { error in
            "\(error)".contains("'\(dir.file("cut.csv.gz"))' is not valid gzip data")
        }
    }
}

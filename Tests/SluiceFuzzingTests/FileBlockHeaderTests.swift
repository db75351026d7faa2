import Foundation
import SluiceConnectors
import SluiceCore
import SluiceFormats
import SluiceFuzzing
import Testing

/// The CSV header as a file source's block-wise (parallel) read finds it, against one
/// sequential read of the same bytes: found by FuzzCSV (`Fuzz/Regressions/csv`).
@Suite("File source: the header of a CSV read in blocks")
struct FileBlockHeaderTests {
    /// Reads `text` as a CSV file through the file source's blocks: every record with its
    /// line, and every rejection's reasons.
    func readInBlocks(_ text: String) async throws -> (records: [String], positions: [Int], rejections: [[String]]) {
        let directory = try TemporaryFiles()
        defer { directory.remove() }
        let path = try directory.write("in.csv", Array(text.utf8))
        let config: Value = ["path": .string(path), "format": "csv"]
        let source = try FileSource(
            config: try ValueDecoder().decode(FileSource.Config.self, from: config),
            context: ComponentContext(dataRoots: DataRoots([directory.url.path])))
        let reader = try #require(try await source.openBlocks(blockBytes: 4096))
        var chunks: [SourceChunk] = []
        while let block = try await reader.nextBlock() { chunks += try block.decode() }
        let records = chunks.flatMap(\.batch.records).map { JSONText.string(.object($0)) }
        return (records, chunks.flatMap(\.batch.positions), chunks.flatMap(\.rejected).map(\.reasons))
    }

    /// The same bytes read sequentially, in one piece.
    func readSequentially(_ text: String) -> (records: [String], positions: [Int], rejections: [[String]]) {
        let bytes = Array(text.utf8)
        let decoded = DecodedStream.decode(.csv, bytes, options: DecodeOptions(), pieces: [0..<bytes.count])
        return (decoded.rows, decoded.positions, decoded.rejections.map(\.reasons))
    }

    @Test("blank lines before the header are skipped, as sequentially")
    func blankLinesBeforeHeader() async throws {
        let text = "\r\n\nid,name\n1,a\n2,b\n"
        let blocks = try await readInBlocks(text)
        #expect(blocks.records == [#"{"id":1,"name":"a"}"#, #"{"id":2,"name":"b"}"#])
        #expect(blocks.positions == [4, 5])
        #expect(blocks.rejections.isEmpty)
        let sequential = readSequentially(text)
        #expect(blocks.records == sequential.records && blocks.positions == sequential.positions)
    }

    @Test("a header whose quote never closes is rejected, as sequentially")
    func unterminatedHeader() async throws {
        let text = "\"id,name\n1,a\n"
        let blocks = try await readInBlocks(text)
        #expect(blocks.records.isEmpty)
        #expect(blocks.rejections == [["line 1: unterminated quoted field (the closing '\"' is missing)"]])
        #expect(blocks.rejections == readSequentially(text).rejections)
    }

    @Test("a file of blank lines has no records and no rejections")
    func onlyBlankLines() async throws {
        let blocks = try await readInBlocks("\n\r\n\n")
        #expect(blocks.records.isEmpty && blocks.rejections.isEmpty)
    }
}

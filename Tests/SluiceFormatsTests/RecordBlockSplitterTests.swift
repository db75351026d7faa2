import SluiceCore
import Testing

@testable import SluiceFormats

@Suite struct RecordBlockSplitterTests {
    static let csv = Array("id,name\n1,\"Smith, John\"\n2,\"two\nlines\"\n3,\"q \"\"x\"\"\"\n4,\"\"\n5,a\"b\n6,plain\r\n7,\"end\"".utf8)

    /// Every prefix of the input: the last boundary must be the end of the last complete
    /// record as the sequential decoder sees it.
    @Test func lastBoundaryOfEveryPrefixEndsARecord() throws {
        // Record ends (index just past each record's line feed) found by the decoder's own
        // boundary machine.
        var ends: [Int] = []
        var machine = CSVBoundary(delimiter: UInt8(ascii: ","))
        var start = 0
        while start < Self.csv.count, let end = Self.csv[start...].withUnsafeBytes({ machine.findEnd($0) }) {
            start += end
            ends.append(start)
        }
        #expect(ends.count == 7)
        let splitter = try #require(RecordBlockSplitter(format: .csv))
        for length in 1...Self.csv.count {
            let expected = ends.last { $0 <= length }
            let got = Self.csv[0..<length].withUnsafeBytes { splitter.lastBoundary(in: $0) }
            // A prefix ending right after a closing quote may still grow into an escaped
            // quote, so the splitter may stop one record earlier there; never later.
            if got != expected {
                #expect(got.map { g in ends.contains(g) && g < (expected ?? 0) } == true, "prefix \(length): \(String(describing: got)) vs \(String(describing: expected))")
            }
        }
        #expect(Self.csv.withUnsafeBytes { splitter.firstBoundary(in: $0) } == 8)
        // The record's own line feed has not arrived, but the one inside its closed quotes has.
        let cut = Array("a\n1,\"x\ny\",2".utf8)
        #expect(cut.withUnsafeBytes { splitter.lastBoundary(in: $0) } == 2)
    }

    @Test func blocksDecodeLikeTheWhole() throws {
        var text = "id,name,note\n"
        for i in 0..<3000 {
            switch i % 4 {
            case 0: text += "\(i),\"a, b\",\"x\ny\"\n"
            case 1: text += "\(i),\"q \"\"z\"\"\",\"\"\r\n"
            case 2: text += "\(i),short\n"
            default: text += "\(i),p,q\n"
            }
        }
        let bytes = Array(text.utf8)
        func decode(_ slice: ArraySlice<UInt8>, options: DecodeOptions) throws -> (rows: [ValueObject], rejected: [Int?]) {
            var decoder = makeDecoder(.csv, options: options)
            var chunks = try slice.withUnsafeBytes { try decoder.feed($0) }
            chunks += try decoder.finish()
            return (chunks.flatMap(\.batch.records), chunks.flatMap(\.rejected).map(\.position))
        }
        let whole = try decode(bytes[...], options: DecodeOptions())
        let splitter = try #require(RecordBlockSplitter(format: .csv))
        let headerEnd = try #require(bytes.withUnsafeBytes { splitter.firstBoundary(in: $0) })
        for blockSize in [97, 256, 1000, 4096] {
            var options = DecodeOptions()
            options.columnNames = ["id", "name", "note"]
            options.firstLine = 2
            var start = headerEnd
            var rows: [ValueObject] = []
            var rejected: [Int?] = []
            while start < bytes.count {
                var end = bytes.count
                if start + blockSize < bytes.count,
                    let cut = bytes[start..<(start + blockSize)].withUnsafeBytes({ splitter.lastBoundary(in: $0) })
                {
                    end = start + cut
                }
                let part = try decode(bytes[start..<end], options: options)
                rows += part.rows
                rejected += part.rejected
                options.firstLine += bytes[start..<end].filter { $0 == 0x0A }.count
                start = end
            }
            #expect(rows == whole.rows, "block size \(blockSize)")
            #expect(rejected == whole.rejected, "block size \(blockSize)")
        }
    }
}

@Suite("Line feed counting")
struct LineFeedCountTests {
    /// The count equals a byte loop on random bytes (all 256 values, line feeds
    /// dense and sparse) for every start and length around the eight-byte steps.
    @Test func equalsAByteLoopForEveryAlignmentAndLength() {
        var rng = SplitMix(seed: 11)
        for density in [2, 7, 64, 100_000] {
            let bytes: [UInt8] = (0..<300).map { _ in rng.int(0...density) == 0 ? 0x0A : UInt8(truncatingIfNeeded: rng.next()) }
            bytes.withUnsafeBytes { all in
                for start in 0..<17 {
                    for end in stride(from: start, through: all.count, by: 1) {
                        let piece = UnsafeRawBufferPointer(rebasing: all[start..<end])
                        let expected = piece.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                        if RecordBlockSplitter.lineFeeds(in: piece) != expected {
                            Issue.record("start \(start) end \(end): \(RecordBlockSplitter.lineFeeds(in: piece)) != \(expected)")
                            return
                        }
                    }
                }
            }
        }
        #expect(RecordBlockSplitter.lineFeeds(in: UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
        #expect(Array("\n\u{8A}\n\u{0B}\u{09}\n\n\n".utf8).withUnsafeBytes { RecordBlockSplitter.lineFeeds(in: $0) } == 5)
    }
}

import SluiceCodecs
import Testing

@Suite struct ZstdCompressionTests {
    static let levels = [1, 3, 9, 19]

    @Test func swiftCompressedDecodesInPython() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all {
            try oracle.write(name, bytes)
            // Levels 9 and 19 search hard: in a debug build, only on the smaller samples.
            for level in Self.levels where level < 9 || bytes.count < 300_000 {
                let compressed = try BlockCodec.zstd.compressed(bytes, level: level)
                try oracle.write("\(name).l\(level)", compressed)
                let back = try BlockCodec.zstd.decompressed(compressed, expectedSize: bytes.count)
                #expect(firstDifference(back, bytes) == nil, "\(name) level \(level)")
            }
            let streamed = try driveCompressor(.zstd, bytes, pieceSize: 50_000, level: 3)
            try oracle.write("\(name).stream", streamed)
            #expect(firstDifference(try driveDecompressor(.zstd, streamed, pieceSize: 4096, limit: 10_000), bytes) == nil, "\(name) stream")
        }
        let out = try await oracle.run("""
            import zstandard as z
            for n in \(Samples.all.map(\.name)):
                data = rd(n)
                for level in \(Self.levels):
                    if level < 9 or len(data) < 300000:
                        assert z.ZstdDecompressor().decompress(rd('%s.l%d' % (n, level))) == data, (n, level)
                assert z.ZstdDecompressor().decompressobj().decompress(rd(n + '.stream')) == data, n
            print('ok')
            """)
        #expect(out == "ok\n")
    }

    @Test func reallyCompresses() async throws {
        // Within 40% of python-zstandard's size at the same level, and well under the input.
        let oracle = try Oracle()
        defer { oracle.remove() }
        let csv = Samples.csv(200_000)
        try oracle.write("csv", csv)
        let sizes = try await oracle.run("""
            import zstandard as z
            print(' '.join(str(len(z.ZstdCompressor(level=l).compress(rd('csv')))) for l in \(Self.levels)))
            """).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(sizes.count == Self.levels.count)
        for (level, reference) in zip(Self.levels, sizes) {
            let compressed = try BlockCodec.zstd.compressed(csv, level: level)
            #expect(compressed.count < csv.count / 2, "level \(level): \(compressed.count) bytes")
            #expect(Double(compressed.count) < Double(reference) * 1.4, "level \(level): \(compressed.count) bytes, zstandard \(reference)")
        }
        let zeros = [UInt8](repeating: 0, count: 1_000_000)
        #expect(try BlockCodec.zstd.compressed(zeros).count < 2000)
        let random = Samples.random(300_000)
        #expect(try BlockCodec.zstd.compressed(random).count < random.count + 100)
        #expect(throws: CodecError.self) { try BlockCodec.zstd.compressed(random, level: 23) }
    }

    @Test func streamOfTinyPieces() throws {
        let data = Samples.mixed(300_000)
        let compressed = try driveCompressor(.zstd, data, pieceSize: 1000, level: 5)
        #expect(try BlockCodec.zstd.decompressed(compressed, expectedSize: data.count) == data)
        let empty = try driveCompressor(.zstd, [], pieceSize: 1)
        #expect(try BlockCodec.zstd.decompressed(empty, expectedSize: 0) == [])
    }
}

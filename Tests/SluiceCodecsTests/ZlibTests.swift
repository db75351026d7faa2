import SluiceCodecs
import Testing

@Suite struct ZlibTests {
    @Test func pythonCompressedDecodes() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all { try oracle.write(name, bytes) }
        try await oracle.run("""
            import gzip, zlib, cramjam
            for n in \(Samples.all.map(\.name)):
                data = rd(n)
                wr(n + '.gz', gzip.compress(data, 6))
                wr(n + '.cramjam.gz', bytes(cramjam.gzip.compress(data)))
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                wr(n + '.deflate', c.compress(data) + c.flush())
                wr(n + '.cramjam.deflate', bytes(cramjam.deflate.compress(data)))
            """)
        for (name, bytes) in Samples.all {
            for suffix in [".gz", ".cramjam.gz"] {
                let compressed = try oracle.read(name + suffix)
                #expect(firstDifference(try BlockCodec.gzip.decompressed(compressed, expectedSize: bytes.count), bytes) == nil, "\(name)\(suffix)")
                #expect(firstDifference(try BlockCodec.gzip.decompressed(compressed, expectedSize: nil), bytes) == nil, "\(name)\(suffix)")
                let streamed = try driveDecompressor(.gzip, compressed, pieceSize: 65536, limit: 100_000)
                #expect(firstDifference(streamed, bytes) == nil, "\(name)\(suffix) streamed")
            }
            let deflated = try oracle.read(name + ".deflate")
            #expect(firstDifference(try BlockCodec.deflate.decompressed(deflated, expectedSize: bytes.count), bytes) == nil, "\(name)")
            #expect(firstDifference(try BlockCodec.deflate.decompressed(deflated, expectedSize: nil), bytes) == nil, "\(name)")
        }
    }

    @Test func swiftCompressedDecodesInPython() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all {
            try oracle.write(name, bytes)
            try oracle.write(name + ".gz", try BlockCodec.gzip.compressed(bytes, level: 6))
            try oracle.write(name + ".deflate", try BlockCodec.deflate.compressed(bytes))
            try oracle.write(name + ".stream.gz", try driveCompressor(.gzip, bytes, pieceSize: 10_000, level: 1))
        }
        let out = try await oracle.run("""
            import gzip, zlib
            for n in \(Samples.all.map(\.name)):
                data = rd(n)
                assert gzip.decompress(rd(n + '.gz')) == data, n
                assert gzip.decompress(rd(n + '.stream.gz')) == data, n
                assert zlib.decompress(rd(n + '.deflate'), -15) == data, n
            print('ok')
            """)
        #expect(out == "ok\n")
    }

    @Test func multiMemberGzip() throws {
        let a = Samples.csv(70_000)
        let b = Samples.random(3000)
        let joined = try BlockCodec.gzip.compressed(a) + BlockCodec.gzip.compressed([]) + BlockCodec.gzip.compressed(b)
        #expect(try BlockCodec.gzip.decompressed(joined, expectedSize: a.count + b.count) == a + b)
        for (piece, limit) in [(1, 4096), (7, 65536), (4096, 5), (4096, 65536), (1 << 20, 1 << 20)] {
            #expect(try driveDecompressor(.gzip, joined, pieceSize: piece, limit: limit) == a + b, "piece \(piece) limit \(limit)")
        }
    }

    @Test func streamErrors() throws {
        let member = try BlockCodec.gzip.compressed(Samples.csv(10_000))
        // Trailing garbage after a member.
        #expect(throws: CodecError.self) { try driveDecompressor(.gzip, member + [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], pieceSize: 1000, limit: 4096) }
        // A truncated member, at several places.
        for cut in [1, 10, member.count / 2, member.count - 1] {
            #expect(throws: CodecError.self) { try driveDecompressor(.gzip, Array(member.prefix(cut)), pieceSize: 100, limit: 4096) }
        }
        // An empty file.
        #expect(throws: CodecError.self) { try driveDecompressor(.gzip, [], pieceSize: 100, limit: 4096) }
        // A corrupt CRC.
        var badCRC = member
        badCRC[badCRC.count - 6] ^= 0x55
        #expect(throws: CodecError.self) { try driveDecompressor(.gzip, badCRC, pieceSize: 100, limit: 4096) }
        #expect(throws: CodecError.self) { try BlockCodec.gzip.decompressed(badCRC, expectedSize: nil) }
        // Block decoding also refuses trailing garbage and truncation.
        #expect(throws: CodecError.self) { try BlockCodec.gzip.decompressed(member + [0, 0, 0], expectedSize: nil) }
        #expect(throws: CodecError.self) { try BlockCodec.gzip.decompressed(Array(member.dropLast()), expectedSize: nil) }
        let deflated = try BlockCodec.deflate.compressed(Samples.csv(1000))
        #expect(throws: CodecError.self) { try BlockCodec.deflate.decompressed(deflated + [0], expectedSize: nil) }
        #expect(throws: CodecError.self) { try BlockCodec.deflate.decompressed([], expectedSize: nil) }
    }

    @Test func bombsStopAtTheLimit() throws {
        // 20 MB of zeros compress to about 20 KB.
        let bomb = try BlockCodec.gzip.compressed(Array(repeating: 0, count: 20_000_000), level: 9)
        #expect(bomb.count < 30_000)
        #expect(throws: CodecError.self) { try BlockCodec.gzip.decompressed(bomb, expectedSize: nil, limit: 1_000_000) }
        #expect(throws: CodecError.self) { try BlockCodec.gzip.decompressed(bomb, expectedSize: 20_000_000, limit: 1_000_000) }
        var decompressor = StreamCodec.gzip.makeDecompressor()
        var output: [UInt8] = []
        let consumed = try bomb.withUnsafeBytes { try decompressor.decompress($0, into: &output, limit: 4096) }
        #expect(output.count == 4096)
        #expect(consumed < bomb.count)
    }

    @Test func hostileInputs() throws {
        for (_, bytes) in Samples.small {
            assertHostileInputsHandled(.gzip, try BlockCodec.gzip.compressed(bytes), expectedSize: nil)
            assertHostileInputsHandled(.deflate, try BlockCodec.deflate.compressed(bytes), expectedSize: bytes.count)
        }
    }
}

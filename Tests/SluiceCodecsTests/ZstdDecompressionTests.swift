import SluiceCodecs
import Testing

@Suite struct ZstdDecompressionTests {
    /// Variants python-zstandard writes for every sample.
    static let variants = ["l1", "l3", "l19", "l3-nocheck-nosize", "multi", "stream", "skip"]

    @Test func pythonCompressedDecodes() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all { try oracle.write(name, bytes) }
        try await oracle.run("""
            import zstandard as z
            for n in \(Samples.all.map(\.name)):
                data = rd(n)
                for level in (1, 3, 19):
                    wr(n + '.l%d' % level, z.ZstdCompressor(level=level, write_checksum=True).compress(data))
                wr(n + '.l3-nocheck-nosize', z.ZstdCompressor(level=3, write_checksum=False, write_content_size=False).compress(data))
                half = len(data) // 2
                c = z.ZstdCompressor(level=2, write_checksum=True)
                wr(n + '.multi', c.compress(data[:half]) + c.compress(data[half:]))
                co = z.ZstdCompressor(level=5, write_checksum=True).compressobj()
                out = b''
                for i in range(0, len(data), 7000):
                    out += co.compress(data[i:i + 7000])
                out += co.flush()
                wr(n + '.stream', out)
                wr(n + '.skip', b'\\x50\\x2a\\x4d\\x18\\x03\\x00\\x00\\x00abc' + c.compress(data) + b'\\x5f\\x2a\\x4d\\x18\\x00\\x00\\x00\\x00')
            """)
        for (name, bytes) in Samples.all {
            for variant in Self.variants {
                let compressed = try oracle.read("\(name).\(variant)")
                let label = "\(name).\(variant)"
                #expect(firstDifference(try BlockCodec.zstd.decompressed(compressed, expectedSize: bytes.count), bytes) == nil, "\(label)")
                #expect(firstDifference(try BlockCodec.zstd.decompressed(compressed, expectedSize: nil), bytes) == nil, "\(label)")
                let streamed = try driveDecompressor(.zstd, compressed, pieceSize: 65536, limit: 100_000)
                #expect(firstDifference(streamed, bytes) == nil, "\(label) streamed")
            }
        }
    }

    @Test func tinyPiecesAndLimits() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        let data = Samples.mixed(20_000)
        try oracle.write("data", data)
        try await oracle.run("""
            import zstandard as z
            data = rd('data')
            c = z.ZstdCompressor(level=3, write_checksum=True)
            wr('data.zst', c.compress(data[:5000]) + b'\\x50\\x2a\\x4d\\x18\\x02\\x00\\x00\\x00xy' + c.compress(data[5000:]))
            """)
        let compressed = try oracle.read("data.zst")
        for (piece, limit) in [(1, 1), (1, 3), (2, 1000), (7, 1), (100, 7), (5000, 1), (1 << 20, 1 << 20)] {
            let out = try driveDecompressor(.zstd, compressed, pieceSize: piece, limit: limit)
            #expect(firstDifference(out, data) == nil, "piece \(piece) limit \(limit)")
        }
    }

    /// Windows much smaller than the data: the stream decoder keeps sliding its history.
    @Test func smallWindows() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        let data = Samples.mixed(300_000)
        try oracle.write("data", data)
        try await oracle.run("""
            import zstandard as z
            for log in (10, 12, 17):
                p = z.ZstdCompressionParameters.from_level(3, window_log=log, write_checksum=True)
                wr('w%d.zst' % log, z.ZstdCompressor(compression_params=p).compress(rd('data')))
            """)
        for log in [10, 12, 17] {
            let compressed = try oracle.read("w\(log).zst")
            #expect(firstDifference(try BlockCodec.zstd.decompressed(compressed, expectedSize: data.count), data) == nil, "window log \(log)")
            let streamed = try driveDecompressor(.zstd, compressed, pieceSize: 5000, limit: 3000)
            #expect(firstDifference(streamed, data) == nil, "window log \(log) streamed")
        }
    }

    @Test func xxhash64KnownValue() throws {
        // XXH64 of no bytes, seed 0, from the xxHash reference: a frame with a checksum of
        // nothing carries its low 32 bits (0x51D8E999).
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x00, 0x01, 0x00, 0x00, 0x99, 0xE9, 0xD8, 0x51]
        #expect(try BlockCodec.zstd.decompressed(frame, expectedSize: 0) == [])
        var wrong = frame
        wrong[9] ^= 1
        #expect(throws: CodecError.self) { try BlockCodec.zstd.decompressed(wrong, expectedSize: 0) }
    }

    @Test func bombsStopAtTheLimit() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        try await oracle.run("""
            import zstandard as z
            wr('bomb.zst', z.ZstdCompressor(level=19).compress(b'\\0' * 50_000_000))
            co = z.ZstdCompressor(level=3).compressobj()
            wr('bomb-nosize.zst', b''.join([co.compress(b'\\0' * 1_000_000) for _ in range(50)]) + co.flush())
            """)
        for file in ["bomb.zst", "bomb-nosize.zst"] {
            let bomb = try oracle.read(file)
            #expect(bomb.count < 10_000, "\(file) is \(bomb.count) bytes")
            #expect(throws: CodecError.self) { try BlockCodec.zstd.decompressed(bomb, expectedSize: nil, limit: 1_000_000) }
            var decompressor = StreamCodec.zstd.makeDecompressor()
            var output: [UInt8] = []
            let consumed = try bomb.withUnsafeBytes { try decompressor.decompress($0, into: &output, limit: 4096) }
            #expect(output.count == 4096)
            #expect(consumed <= bomb.count)
        }
    }

    @Test func refusedFrames() throws {
        let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        // A 2 GB window (log 31): refused by the stream decoder, and by the whole-input one
        // too, so a file reads the same either way.
        let hugeWindow = magic + [0x00, 0xA8] + [0x01, 0x00, 0x00]
        let refusal = "zstd: the frame at byte 0 needs a 2147483648-byte window, over the 134217728 allowed"
        #expect(throws: CodecError(refusal)) { try driveDecompressor(.zstd, hugeWindow, pieceSize: 100, limit: 100) }
        #expect(throws: CodecError(refusal)) { try BlockCodec.zstd.decompressed(hugeWindow, expectedSize: nil) }
        // A dictionary id.
        let dictionary = magic + [0x21, 0x05, 0x00] + [0x01, 0x00, 0x00]
        #expect(throws: CodecError.self) { try BlockCodec.zstd.decompressed(dictionary, expectedSize: nil) }
        // A content size of 2^60 bytes: refused before allocating.
        let huge = magic + [0xC0, 0x50] + [0, 0, 0, 0, 0, 0, 0, 0x10] + [0x01, 0x00, 0x00]
        #expect(throws: CodecError.self) { try BlockCodec.zstd.decompressed(huge, expectedSize: nil) }
        // Not zstd, empty, trailing garbage.
        #expect(throws: CodecError.self) { try BlockCodec.zstd.decompressed([1, 2, 3, 4, 5, 6], expectedSize: nil) }
        #expect(throws: CodecError.self) { try BlockCodec.zstd.decompressed([], expectedSize: nil) }
        #expect(throws: CodecError.self) { try driveDecompressor(.zstd, [], pieceSize: 1, limit: 1) }
        let empty: [UInt8] = magic + [0x20, 0x00, 0x01, 0x00, 0x00]
        #expect(try BlockCodec.zstd.decompressed(empty, expectedSize: 0) == [])
        #expect(throws: CodecError.self) { try BlockCodec.zstd.decompressed(empty + [0x28, 0xB5], expectedSize: nil) }
        #expect(throws: CodecError.self) { try driveDecompressor(.zstd, empty + [0x28, 0xB5], pieceSize: 3, limit: 10) }
    }

    @Test func hostileInputs() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.small { try oracle.write(name, bytes) }
        try await oracle.run("""
            import zstandard as z
            for n in \(Samples.small.map(\.name)):
                wr(n + '.l3', z.ZstdCompressor(level=3, write_checksum=True).compress(rd(n)))
                wr(n + '.l19', z.ZstdCompressor(level=19, write_checksum=False).compress(rd(n)))
            """)
        for (name, bytes) in Samples.small {
            for level in ["l3", "l19"] {
                let compressed = try oracle.read("\(name).\(level)")
                assertHostileInputsHandled(.zstd, compressed, expectedSize: nil)
                assertHostileInputsHandled(.zstd, compressed, expectedSize: bytes.count, flips: 1000)
                for cut in stride(from: 0, to: compressed.count, by: 7) {
                    _ = try? driveDecompressor(.zstd, Array(compressed.prefix(cut)), pieceSize: 5, limit: 64)
                }
            }
        }
    }
}

import SluiceCodecs
import Testing

@Suite struct LZ4Tests {
    @Test func pythonCompressedDecodes() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all { try oracle.write(name, bytes) }
        try await oracle.run("""
            import cramjam
            for n in \(Samples.all.map(\.name)):
                wr(n + '.lz4', bytes(cramjam.lz4.compress_block(rd(n), store_size=False)))
            """)
        for (name, bytes) in Samples.all {
            let compressed = try oracle.read(name + ".lz4")
            #expect(firstDifference(try BlockCodec.lz4Raw.decompressed(compressed, expectedSize: bytes.count), bytes) == nil, "\(name)")
            #expect(firstDifference(try BlockCodec.lz4Raw.decompressed(compressed, expectedSize: nil), bytes) == nil, "\(name)")
        }
    }

    @Test func swiftCompressedDecodesInPython() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all {
            let compressed = try BlockCodec.lz4Raw.compressed(bytes)
            try oracle.write(name + ".lz4", compressed)
            try oracle.write(name, bytes)
            #expect(firstDifference(try BlockCodec.lz4Raw.decompressed(compressed, expectedSize: bytes.count), bytes) == nil, "\(name)")
            if name.hasPrefix("csv") || name.hasPrefix("repetitive") {
                #expect(compressed.count < bytes.count / 2, "\(name) compressed to \(compressed.count)")
            }
        }
        let out = try await oracle.run("""
            import cramjam
            for n in \(Samples.all.map(\.name)):
                data = rd(n)
                assert bytes(cramjam.lz4.decompress_block(rd(n + '.lz4'), output_len=len(data))) == data, n
            print('ok')
            """)
        #expect(out == "ok\n")
    }

    @Test func sizeChecks() throws {
        // "abcd" as literals only, then a match of 8 at offset 4.
        let block: [UInt8] = [0x44, 0x61, 0x62, 0x63, 0x64, 0x04, 0x00, 0x00]
        #expect(try BlockCodec.lz4Raw.decompressed(block, expectedSize: nil) == Array("abcdabcdabcd".utf8))
        #expect(try BlockCodec.lz4Raw.decompressed(block, expectedSize: 12) == Array("abcdabcdabcd".utf8))
        #expect(throws: CodecError.self) { try BlockCodec.lz4Raw.decompressed(block, expectedSize: 11) }
        #expect(throws: CodecError.self) { try BlockCodec.lz4Raw.decompressed(block, expectedSize: 13) }
        #expect(throws: CodecError.self) { try BlockCodec.lz4Raw.decompressed(block, expectedSize: nil, limit: 11) }
        #expect(throws: CodecError.self) { try BlockCodec.lz4Raw.decompressed(block + [0x00], expectedSize: nil) }
        #expect(throws: CodecError.self) { try BlockCodec.lz4Raw.decompressed([0x10, 0x41, 0x00, 0x00], expectedSize: nil) }
        #expect(throws: CodecError.self) { try BlockCodec.lz4Raw.decompressed([], expectedSize: nil) }
    }

    @Test func hostileInputs() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.small { try oracle.write(name, bytes) }
        try await oracle.run("""
            import cramjam
            for n in \(Samples.small.map(\.name)):
                wr(n + '.lz4', bytes(cramjam.lz4.compress_block(rd(n), store_size=False)))
            """)
        for (name, bytes) in Samples.small {
            let compressed = try oracle.read(name + ".lz4")
            assertHostileInputsHandled(.lz4Raw, compressed, expectedSize: nil)
            assertHostileInputsHandled(.lz4Raw, compressed, expectedSize: bytes.count)
        }
    }
}

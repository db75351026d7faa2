import SluiceCodecs
import Testing

@Suite struct SnappyTests {
    @Test func pythonCompressedDecodes() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all { try oracle.write(name, bytes) }
        try await oracle.run("""
            import cramjam
            for n in \(Samples.all.map(\.name)):
                wr(n + '.snappy', bytes(cramjam.snappy.compress_raw(rd(n))))
            """)
        for (name, bytes) in Samples.all {
            let compressed = try oracle.read(name + ".snappy")
            let decoded = try BlockCodec.snappy.decompressed(compressed, expectedSize: bytes.count)
            #expect(firstDifference(decoded, bytes) == nil, "\(name)")
            let unsized = try BlockCodec.snappy.decompressed(compressed, expectedSize: nil)
            #expect(unsized.count == bytes.count, "\(name)")
        }
    }

    @Test func swiftCompressedDecodesInPython() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        for (name, bytes) in Samples.all {
            let compressed = try BlockCodec.snappy.compressed(bytes)
            try oracle.write(name + ".snappy", compressed)
            try oracle.write(name, bytes)
            #expect(try BlockCodec.snappy.decompressed(compressed, expectedSize: bytes.count) == bytes, "\(name)")
            if name.hasPrefix("csv") || name.hasPrefix("repetitive") {
                #expect(compressed.count < bytes.count / 2, "\(name) compressed to \(compressed.count)")
            }
        }
        let out = try await oracle.run("""
            import cramjam
            for n in \(Samples.all.map(\.name)):
                assert bytes(cramjam.snappy.decompress_raw(rd(n + '.snappy'))) == rd(n), n
            print('ok')
            """)
        #expect(out == "ok\n")
    }

    @Test func appendsAfterExistingOutput() throws {
        let data = Samples.csv(5000)
        let compressed = try BlockCodec.snappy.compressed(data)
        var output: [UInt8] = [1, 2, 3]
        try compressed.withUnsafeBytes { try BlockCodec.snappy.decompress($0, expectedSize: data.count, limit: 10_000, into: &output) }
        #expect(Array(output.prefix(3)) == [1, 2, 3])
        #expect(Array(output.dropFirst(3)) == data)
    }

    @Test func sizeAndLimitChecks() throws {
        let data = Samples.csv(5000)
        let compressed = try BlockCodec.snappy.compressed(data)
        #expect(throws: CodecError.self) { try BlockCodec.snappy.decompressed(compressed, expectedSize: 4999) }
        #expect(throws: CodecError.self) { try BlockCodec.snappy.decompressed(compressed, expectedSize: nil, limit: 4999) }
        // A declared length of 4 GB with a few bytes of input: refused before allocating.
        #expect(throws: CodecError.self) { try BlockCodec.snappy.decompressed([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00], expectedSize: nil) }
        #expect(throws: CodecError.self) { try BlockCodec.snappy.decompressed([], expectedSize: nil) }
        // Offset zero, and an offset before the start of the output.
        #expect(throws: CodecError.self) { try BlockCodec.snappy.decompressed([8, 0x00, 0x41, 0x01, 0x00], expectedSize: nil) }
        #expect(throws: CodecError.self) { try BlockCodec.snappy.decompressed([8, 0x00, 0x41, 0x01, 0x02], expectedSize: nil) }
        // A zero-length block is a single zero byte.
        #expect(try BlockCodec.snappy.decompressed([0], expectedSize: 0) == [])
    }

    @Test func overlappingCopiesOfEveryShortPeriod() throws {
        for period in 1...20 {
            let pattern = Samples.random(period, seed: UInt64(period))
            let data = (0..<1000).map { pattern[$0 % period] }
            let compressed = try BlockCodec.snappy.compressed(data)
            #expect(try BlockCodec.snappy.decompressed(compressed, expectedSize: data.count) == data, "period \(period)")
        }
    }

    @Test func hostileInputs() throws {
        for (name, bytes) in Samples.small {
            let compressed = try BlockCodec.snappy.compressed(bytes)
            _ = name
            assertHostileInputsHandled(.snappy, compressed, expectedSize: nil)
            assertHostileInputsHandled(.snappy, compressed, expectedSize: bytes.count)
        }
    }
}

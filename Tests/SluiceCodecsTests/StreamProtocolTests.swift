import SluiceCodecs
import Testing

/// The stream decompressor protocol, driven exactly as documented with one byte of input at a
/// time and tiny limits, for every stream codec.
@Suite struct StreamProtocolTests {
    static let data = Samples.mixed(40_000) + Samples.csv(30_000)

    static func compressed(_ codec: StreamCodec) throws -> [UInt8] {
        try driveCompressor(codec, data, pieceSize: 3333, level: nil)
    }

    @Test(arguments: [StreamCodec.gzip, .zstd])
    func oneByteAtATime(_ codec: StreamCodec) throws {
        let file = try Self.compressed(codec)
        for limit in [2, 4096] {
            let out = try driveDecompressor(codec, file, pieceSize: 1, limit: limit)
            #expect(firstDifference(out, Self.data) == nil, "\(codec) limit \(limit)")
        }
    }

    @Test(arguments: [StreamCodec.gzip, .zstd])
    func concatenatedStreams(_ codec: StreamCodec) throws {
        let a = try driveCompressor(codec, Array(Self.data.prefix(1000)), pieceSize: 100)
        let b = try driveCompressor(codec, Array(Self.data.suffix(20_000)), pieceSize: 7000)
        let out = try driveDecompressor(codec, a + b, pieceSize: 3, limit: 17)
        #expect(firstDifference(out, Array(Self.data.prefix(1000)) + Array(Self.data.suffix(20_000))) == nil)
    }

    @Test(arguments: [StreamCodec.gzip, .zstd])
    func truncatedStreamsThrow(_ codec: StreamCodec) throws {
        let file = try Self.compressed(codec)
        for cut in stride(from: 0, to: file.count, by: max(1, file.count / 97)) {
            #expect(throws: CodecError.self, "\(codec) cut at \(cut)") {
                try driveDecompressor(codec, Array(file.prefix(cut)), pieceSize: 1000, limit: 5000)
            }
        }
    }

    /// Bit flips across a whole file: each decodes or throws a CodecError, never crashes.
    @Test(arguments: [StreamCodec.gzip, .zstd])
    func bitFlipsThrowOrDecode(_ codec: StreamCodec) throws {
        let file = try driveCompressor(codec, Array(Self.data.prefix(8000)), pieceSize: 3000)
        for bit in stride(from: 0, to: file.count * 8, by: max(1, file.count * 8 / 600)) {
            var damaged = file
            damaged[bit / 8] ^= UInt8(1 << (bit % 8))
            do {
                _ = try driveDecompressor(codec, damaged, pieceSize: 777, limit: 1000)
            } catch is CodecError {
            } catch {
                Issue.record("\(codec) bit \(bit): \(error)")
            }
        }
    }

    @Test(arguments: [StreamCodec.gzip, .zstd])
    func zeroLimitConsumesNothing(_ codec: StreamCodec) throws {
        let file = try Self.compressed(codec)
        var decompressor = codec.makeDecompressor()
        var output: [UInt8] = []
        let consumed = try file.withUnsafeBytes { try decompressor.decompress($0, into: &output, limit: 0) }
        #expect(consumed == 0)
        #expect(output.isEmpty)
    }

    @Test func fileExtensions() {
        #expect(StreamCodec(fileExtensionOf: "a/b.CSV.GZ") == .gzip)
        #expect(StreamCodec(fileExtensionOf: "x.zst") == .zstd)
        #expect(StreamCodec(fileExtensionOf: "x.bz2") == .bzip2)
        #expect(StreamCodec(fileExtensionOf: "x.csv") == nil)
    }
}

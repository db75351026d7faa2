import SluiceCodecs
import Testing

@Suite struct Bzip2Tests {
    @Test func pythonCompressedDecodes() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        let samples = Samples.all.filter { $0.bytes.count < 1_000_000 } + [("csv-1100000", Samples.csv(1_100_000))]
        for (name, bytes) in samples { try oracle.write(name, bytes) }
        try await oracle.run("""
            import bz2
            for n in \(samples.map(\.name)):
                data = rd(n)
                wr(n + '.bz2', bz2.compress(data, 9))
                half = len(data) // 2
                wr(n + '.multi.bz2', bz2.compress(data[:half], 1) + bz2.compress(data[half:], 5))
            """)
        for (name, bytes) in samples {
            for suffix in [".bz2", ".multi.bz2"] {
                let file = try oracle.read(name + suffix)
                let out = try driveDecompressor(.bzip2, file, pieceSize: 65536, limit: 100_000)
                #expect(firstDifference(out, bytes) == nil, "\(name)\(suffix)")
            }
        }
    }

    @Test func tinyPiecesAndErrors() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        let data = Samples.mixed(30_000) + [UInt8](repeating: 7, count: 5000)
        try oracle.write("data", data)
        try await oracle.run("import bz2\nwr('data.bz2', bz2.compress(rd('data')))")
        let file = try oracle.read("data.bz2")
        for (piece, limit) in [(1, 1), (3, 7), (1000, 1), (1 << 20, 1 << 20)] {
            #expect(try driveDecompressor(.bzip2, file, pieceSize: piece, limit: limit) == data, "piece \(piece) limit \(limit)")
        }
        for cut in stride(from: 0, to: file.count, by: max(1, file.count / 50)) {
            #expect(throws: CodecError.self, "cut at \(cut)") { try driveDecompressor(.bzip2, Array(file.prefix(cut)), pieceSize: 4096, limit: 4096) }
        }
        #expect(throws: CodecError.self) { try driveDecompressor(.bzip2, file + [0x42], pieceSize: 4096, limit: 4096) }
        var flipped = file
        for bit in stride(from: 0, to: file.count * 8, by: max(1, file.count * 8 / 400)) {
            flipped = file
            flipped[bit / 8] ^= UInt8(1 << (bit % 8))
            do {
                _ = try driveDecompressor(.bzip2, flipped, pieceSize: 4096, limit: 1 << 20)
            } catch is CodecError {
            } catch {
                Issue.record("bit \(bit): \(error)")
            }
        }
    }

    /// Regression: a block using all 256 byte values once built an empty move-to-front list
    /// and crashed.
    @Test func blockUsingEveryByteValue() async throws {
        let oracle = try Oracle()
        defer { oracle.remove() }
        let data = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try oracle.write("all", data)
        try await oracle.run("import bz2\nwr('all.bz2', bz2.compress(rd('all')))")
        #expect(try driveDecompressor(.bzip2, try oracle.read("all.bz2"), pieceSize: 100, limit: 1000) == data)
    }
}

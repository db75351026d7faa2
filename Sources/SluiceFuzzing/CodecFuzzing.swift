import SluiceCodecs

/// Fuzzing of the decompressors: the first byte picks a codec, the rest is its input. Every
/// input decompresses or throws ``CodecError``, never past the limit; what decompresses
/// compresses and decompresses back to itself; for gzip and zstd, the stream decompressor fed
/// 5 bytes at a time with a 1000-byte output limit agrees with the block decompressor.
enum CodecFuzzing {
    static let codecs: [BlockCodec] = [.snappy, .zstd, .lz4Raw, .gzip, .deflate]
    /// The most bytes a fuzz input may decompress to.
    static let limit = 4 << 20

    static func run(_ bytes: [UInt8]) -> FuzzReport {
        guard let first = bytes.first else { return FuzzReport(outcome: "empty") }
        let codec = codecs[Int(first) % codecs.count]
        let input = Array(bytes.dropFirst())
        var output: [UInt8] = []
        var report = FuzzReport()
        do {
            try input.withUnsafeBytes { try codec.decompress($0, expectedSize: nil, limit: limit, into: &output) }
            report.outcome = "\(codec.rawValue): \(output.count) bytes"
        } catch let error as CodecError {
            report.outcome = "\(codec.rawValue) rejected: \(error.message)"
            report.check(output.count <= limit, "\(codec.rawValue) wrote \(output.count) bytes past the limit before failing")
            return report
        } catch {
            report.outcome = "\(codec.rawValue) failed"
            report.check(false, "\(codec.rawValue) threw something other than a CodecError: \(error)")
            return report
        }
        report.check(output.count <= limit, "\(codec.rawValue) produced \(output.count) bytes, past the limit \(limit)")
        if codec != .lz4Raw {
            var again: [UInt8] = []
            var back: [UInt8] = []
            do {
                try output.withUnsafeBytes { try codec.compress($0, into: &again) }
                try again.withUnsafeBytes { try codec.decompress($0, expectedSize: output.count, limit: limit, into: &back) }
                report.check(back == output, "\(codec.rawValue): compressing the output and decompressing it again changed it")
            } catch {
                report.check(false, "\(codec.rawValue): the output did not survive its own round trip: \(error)")
            }
        }
        let stream: StreamCodec? = codec == .gzip ? .gzip : codec == .zstd ? .zstd : nil
        if let stream {
            var decompressor = stream.makeDecompressor()
            var streamed: [UInt8] = []
            do {
                try input.withUnsafeBytes { raw in
                    var start = 0
                    var rounds = 0
                    while rounds < 10_000_000 {
                        rounds += 1
                        let end = min(raw.count, start + 5)
                        var piece: [UInt8] = []
                        let used = try decompressor.decompress(UnsafeRawBufferPointer(rebasing: raw[start..<end]), into: &piece, limit: 1000)
                        if piece.count > 1000 { report.check(false, "\(stream.rawValue) stream wrote \(piece.count) bytes past its 1000-byte limit") }
                        streamed += piece
                        start += used
                        if piece.isEmpty, used == 0, start == raw.count { break }
                        if streamed.count > limit { break }
                    }
                }
                try decompressor.finish()
                report.check(streamed == output, "\(stream.rawValue): the stream decompressor gave \(streamed.count) bytes, the block one \(output.count)")
            } catch {
                // The block decompressor accepts some inputs a stream refuses (trailing bytes
                // after a zstd frame, say) only if the two differ: they must not.
                report.check(false, "\(stream.rawValue): the stream decompressor refused what the block one read: \(error)")
            }
        }
        return report
    }
}

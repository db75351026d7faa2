/// A compression codec applied to one whole block at a time: a Parquet page, an Avro block.
public enum BlockCodec: String, Sendable, CaseIterable {
    case none
    /// Raw snappy (no framing), as Parquet and Avro use it.
    case snappy
    /// A gzip member (RFC 1952), as Parquet's GZIP codec holds it.
    case gzip
    /// A zstd frame (RFC 8878).
    case zstd
    /// A raw LZ4 block, Parquet's LZ4_RAW.
    case lz4Raw = "lz4_raw"
    /// Raw deflate (RFC 1951), Avro's `deflate` codec.
    case deflate

    /// Appends the compressed form of `input` to `output`. `level` is the codec's own scale
    /// (gzip/deflate 0–9, default 6; zstd 1–22, default 3); `nil` takes its default; snappy
    /// and LZ4 ignore it. zstd writes one frame with the content size and a checksum.
    public func compress(_ input: UnsafeRawBufferPointer, level: Int? = nil, into output: inout [UInt8]) throws {
        switch self {
        case .none:
            output.append(contentsOf: input)
        case .snappy:
            try SnappyCompressor.compress(input, into: &output)
        case .gzip:
            try ZlibBlock.compress(input, format: .gzip, level: level, into: &output)
        case .deflate:
            try ZlibBlock.compress(input, format: .deflate, level: level, into: &output)
        case .zstd:
            try ZstdCompressor.compress(input, level: level, into: &output)
        case .lz4Raw:
            try LZ4BlockCompressor.compress(input, into: &output)
        }
    }

    /// Appends the decompressed form of `input` to `output`; on error `output` is left as it
    /// was. gzip decodes every member; zstd every frame (skippable frames skipped).
    /// - Parameters:
    ///   - expectedSize: the exact decompressed size, when the container records it; any other
    ///     size is an error.
    ///   - limit: the most bytes it may produce; more is an error (a decompression bomb).
    public func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, limit: Int, into output: inout [UInt8]) throws {
        switch self {
        case .none:
            let allowed = try BlockLimits.allowed(expectedSize: expectedSize, limit: limit, codec: rawValue)
            if let expectedSize, input.count != expectedSize {
                throw CodecError("none: \(input.count) bytes, expected \(expectedSize)")
            }
            guard input.count <= allowed else { throw CodecError("none: \(input.count) bytes exceed the limit of \(limit) bytes") }
            output.append(contentsOf: input)
        case .snappy:
            try SnappyDecompressor.decompress(input, expectedSize: expectedSize, limit: limit, into: &output)
        case .gzip:
            try ZlibBlock.decompress(input, format: .gzip, expectedSize: expectedSize, limit: limit, into: &output)
        case .deflate:
            try ZlibBlock.decompress(input, format: .deflate, expectedSize: expectedSize, limit: limit, into: &output)
        case .zstd:
            try ZstdBlockDecompressor.decompress(input, expectedSize: expectedSize, limit: limit, into: &output)
        case .lz4Raw:
            try LZ4BlockDecompressor.decompress(input, expectedSize: expectedSize, limit: limit, into: &output)
        }
    }
}

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
    /// (gzip 1–9, zstd 1–22); `nil` takes its default.
    public func compress(_ input: UnsafeRawBufferPointer, level: Int? = nil, into output: inout [UInt8]) throws {
        throw CodecError("\(rawValue) compression is not built yet")
    }

    /// Appends the decompressed form of `input` to `output`.
    /// - Parameters:
    ///   - expectedSize: the exact decompressed size, when the container records it; any other
    ///     size is an error.
    ///   - limit: the most bytes it may produce; more is an error (a decompression bomb).
    public func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int?, limit: Int, into output: inout [UInt8]) throws {
        throw CodecError("\(rawValue) decompression is not built yet")
    }
}

/// A compression format for whole files, read and written as a stream (`.gz`, `.zst`, `.bz2`).
public enum StreamCodec: String, Sendable, CaseIterable {
    case gzip, zstd, bzip2

    /// The codec a file name's last extension stands for (`.gz`, `.zst`, `.bz2`), or `nil`.
    public init?(fileExtensionOf path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".gz") {
            self = .gzip
        } else if lower.hasSuffix(".zst") {
            self = .zstd
        } else if lower.hasSuffix(".bz2") {
            self = .bzip2
        } else {
            return nil
        }
    }

    /// The file extension, with its dot.
    public var fileExtension: String {
        switch self {
        case .gzip: return ".gz"
        case .zstd: return ".zst"
        case .bzip2: return ".bz2"
        }
    }

    /// A new decompressor for one stream. gzip: every member of a multi-member file, CRC and
    /// size checked by zlib. zstd: frames in a row, skippable frames skipped, checksums
    /// checked; frames needing a dictionary or a window over 128 MiB are refused. bzip2:
    /// concatenated streams, block and stream CRCs checked. Trailing data that is not another
    /// member/frame/stream is an error.
    public func makeDecompressor() -> any StreamDecompressor {
        switch self {
        case .gzip: return GzipStreamDecompressor()
        case .zstd: return ZstdStreamDecompressor()
        case .bzip2: return Bzip2StreamDecompressor()
        }
    }

    /// A new compressor for one stream; `level` is the codec's own scale, `nil` its default
    /// (gzip 0–9, default 6; zstd 1–22, default 3). bzip2 compression is not supported and
    /// throws.
    public func makeCompressor(level: Int? = nil) throws -> any StreamCompressor {
        switch self {
        case .gzip: return try GzipStreamCompressor(level: level)
        case .zstd: return try ZstdStreamCompressor(level: level)
        case .bzip2: throw CodecError("bzip2 compression is not supported")
        }
    }
}

/// Decompresses one stream (a whole file, possibly several concatenated gzip members or
/// zstd frames) piece by piece, with bounded output per call, so a small input that expands
/// enormously never has to be held at once.
public protocol StreamDecompressor: Sendable {
    /// Decompresses from `input`, appending at most `limit` bytes to `output`, and returns how
    /// many bytes of `input` it consumed. The caller passes the unconsumed rest again (with
    /// more input after it, or alone at the end of the file) and keeps calling while output
    /// appears; at the end of the file it calls with an empty `input` until nothing more is
    /// appended, then ``finish()``.
    mutating func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws -> Int
    /// Checks that the stream ended where it should: throws ``CodecError`` for a truncated
    /// stream or a checksum mismatch.
    mutating func finish() throws
}

/// Compresses one stream.
public protocol StreamCompressor: Sendable {
    /// Appends the compressed form of `input` (some of it may be held back until later calls).
    mutating func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws
    /// Appends everything held back and the stream's trailer.
    mutating func finish(into output: inout [UInt8]) throws
}

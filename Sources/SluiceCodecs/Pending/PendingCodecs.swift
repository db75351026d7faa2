// Codecs still to be written; each throws until it lands.
struct Bzip2StreamDecompressor: StreamDecompressor {
    mutating func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws -> Int {
        throw CodecError("bzip2 decompression is not built yet")
    }
    mutating func finish() throws {}
}

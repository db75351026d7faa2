// Codecs still to be written; each throws until it lands.
enum LZ4BlockCompressor {
    static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        throw CodecError("lz4_raw compression is not built yet")
    }
}
struct Bzip2StreamDecompressor: StreamDecompressor {
    mutating func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws -> Int {
        throw CodecError("bzip2 decompression is not built yet")
    }
    mutating func finish() throws {}
}

/// Compresses a `.gz` file as one gzip member.
struct GzipStreamCompressor: StreamCompressor {
    private let deflater: ZlibDeflater

    init(level: Int?) throws { deflater = try ZlibDeflater(format: .gzip, level: level) }

    mutating func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        try deflater.deflate(input, finish: false, into: &output)
    }

    mutating func finish(into output: inout [UInt8]) throws {
        try deflater.deflate(UnsafeRawBufferPointer(start: nil, count: 0), finish: true, into: &output)
    }
}

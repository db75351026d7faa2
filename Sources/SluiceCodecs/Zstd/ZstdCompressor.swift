// zstd compression of a whole buffer into one frame, written from scratch for Sluice.

/// Compresses a whole buffer into one zstd frame.
enum ZstdCompressor {
    static func compress(_ input: UnsafeRawBufferPointer, level: Int?, into output: inout [UInt8]) throws {
        let encoder = try ZstdFrameEncoder(level: level)
        output.append(contentsOf: encoder.header(contentSize: input.count))
        guard let base = input.baseAddress, !input.isEmpty else {
            output.append(contentsOf: [0x01, 0x00, 0x00])  // one empty raw block, the last
            output.append(contentsOf: [0x99, 0xE9, 0xD8, 0x51])  // XXH64 of nothing, low 32 bits
            return
        }
        var start = 0
        while start < input.count {
            let end = min(start + ZstdFrameEncoder.blockSize, input.count)
            encoder.block(base, bufferStart: 0, blockStart: start, blockEnd: end, last: end == input.count, into: &output)
            start = end
        }
        let checksum = UInt32(truncatingIfNeeded: XXHash64.hash(input))
        for i in 0..<4 { output.append(UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(i)))) }
    }
}

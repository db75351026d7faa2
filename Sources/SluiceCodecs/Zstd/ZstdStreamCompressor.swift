// Streaming zstd compression, written from scratch for Sluice.

/// Compresses a `.zst` file as one frame (content size unknown), block by block, keeping
/// the window's history for matches across blocks.
struct ZstdStreamCompressor: StreamCompressor {
    private let encoder: ZstdFrameEncoder
    private var buffer: [UInt8] = []
    /// Stream position of `buffer[0]`.
    private var bufferStart = 0
    /// Index in `buffer` of the first byte not yet compressed.
    private var next = 0
    private var headerWritten = false
    private var hasher = XXHash64()

    init(level: Int?) throws { encoder = try ZstdFrameEncoder(level: level) }

    mutating func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        writeHeader(into: &output)
        hasher.update(input)
        buffer.append(contentsOf: input)
        // Hold back the last (partial or full) block: only finish() knows which block is last.
        while buffer.count - next > ZstdFrameEncoder.blockSize {
            emitBlock(end: next + ZstdFrameEncoder.blockSize, last: false, into: &output)
        }
        let window = 1 << encoder.windowLog
        if next > 2 * window {
            let drop = next - window
            buffer.removeFirst(drop)
            bufferStart += drop
            next -= drop
        }
    }

    mutating func finish(into output: inout [UInt8]) throws {
        writeHeader(into: &output)
        emitBlock(end: buffer.count, last: true, into: &output)
        let checksum = UInt32(truncatingIfNeeded: hasher.digest())
        for i in 0..<4 { output.append(UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(i)))) }
    }

    private mutating func writeHeader(into output: inout [UInt8]) {
        guard !headerWritten else { return }
        headerWritten = true
        output.append(contentsOf: encoder.header(contentSize: nil))
    }

    private mutating func emitBlock(end: Int, last: Bool, into output: inout [UInt8]) {
        let (start, origin, encoder) = (next, bufferStart, encoder)
        buffer.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress {
                encoder.block(base, bufferStart: origin, blockStart: start, blockEnd: end, last: last, into: &output)
            } else {
                output.append(contentsOf: [last ? 1 : 0, 0, 0])  // an empty raw block
            }
        }
        next = end
    }
}

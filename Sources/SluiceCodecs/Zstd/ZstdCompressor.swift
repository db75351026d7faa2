// zstd compression (RFC 8878), written from scratch for Sluice: frames with the content size
// (when known) and an XXH64 checksum, 128 KB blocks compressed by ``ZstdMatchFinder`` and
// ``ZstdBlockEncoder``, stored raw or as RLE when that is smaller.

/// Writes one zstd frame's header and blocks; shared by the block and the stream compressor.
final class ZstdFrameEncoder: @unchecked Sendable {
    static let blockSize = ZstdBlockContext.blockMax
    private let finder: ZstdMatchFinder
    private var encoder = ZstdBlockEncoder()
    var windowLog: Int { finder.parameters.windowLog }

    init(level: Int?) throws {
        finder = ZstdMatchFinder(parameters: try ZstdSearchParameters(level: level))
    }

    /// The frame header, with the magic number; `contentSize` nil when unknown.
    func header(contentSize: Int?) -> [UInt8] {
        var bytes: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        var descriptor: UInt8 = 0x04  // content checksum
        var sizeField: [UInt8] = []
        @inline(__always) func le(_ value: Int, _ count: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        let singleSegment = contentSize.map { $0 <= 1 << windowLog } ?? false
        if let size = contentSize {
            if size < 256 && singleSegment {
                sizeField = le(size, 1)
            } else if size >= 256 && size < 65536 + 256 {
                descriptor |= 1 << 6
                sizeField = le(size - 256, 2)
            } else if size <= Int(UInt32.max) {
                descriptor |= 2 << 6
                sizeField = le(size, 4)
            } else {
                descriptor |= 3 << 6
                sizeField = le(size, 8)
            }
        }
        if singleSegment {
            descriptor |= 0x20
            bytes.append(descriptor)
        } else {
            bytes.append(descriptor)
            bytes.append(UInt8((windowLog - 10) << 3))
        }
        return bytes + sizeField
    }

    /// Appends `buffer[blockStart..<blockEnd]` as one block; `bufferStart` is the stream
    /// position of `buffer[0]`, whose earlier bytes are history matches may reach into.
    func block(_ buffer: UnsafeRawPointer, bufferStart: Int, blockStart: Int, blockEnd: Int, last: Bool, into out: inout [UInt8]) {
        let count = blockEnd - blockStart
        let lastBit = last ? 1 : 0
        func blockHeader(type: Int, size: Int) {
            let value = lastBit | type << 1 | size << 3
            out.append(UInt8(truncatingIfNeeded: value))
            out.append(UInt8(truncatingIfNeeded: value >> 8))
            out.append(UInt8(truncatingIfNeeded: value >> 16))
        }
        let block = buffer + blockStart
        if count > 0 {
            let first = block.load(as: UInt8.self)
            var same = true
            for i in 1..<count where block.load(fromByteOffset: i, as: UInt8.self) != first {
                same = false
                break
            }
            if same {
                blockHeader(type: 1, size: count)
                out.append(first)
                return
            }
        }
        if count > 32 {
            let (sequences, trailing) = finder.sequences(buffer, bufferStart: bufferStart, blockStart: blockStart, blockEnd: blockEnd)
            let saved = encoder
            var body: [UInt8] = []
            body.reserveCapacity(count)
            encoder.encode(block, count: count, sequences: sequences, trailing: trailing, into: &body)
            if body.count < count {
                blockHeader(type: 2, size: body.count)
                out.append(contentsOf: body)
                return
            }
            encoder = saved  // the decoder never sees these sequences
        }
        blockHeader(type: 0, size: count)
        out.append(contentsOf: UnsafeRawBufferPointer(start: block, count: count))
    }
}

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

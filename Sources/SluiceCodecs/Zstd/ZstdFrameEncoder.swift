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

// zstd frame headers (RFC 8878 §3.1.1.1), written from scratch for Sluice.

/// Limits and magic numbers of the zstd format as Sluice applies them.
enum ZstdFormat {
    static let magic: UInt32 = 0xFD2F_B528
    /// Skippable frames: 0x184D2A50 ... 0x184D2A5F.
    static let skippableMask: UInt32 = 0xFFFF_FFF0
    static let skippableMagic: UInt32 = 0x184D_2A50
    /// The largest window a frame may declare: 128 MiB (window log 27), zstd's own default
    /// decoder limit. A stream keeps up to twice its window in memory; a whole-input decoder
    /// needs no window of its own, but refuses the same frames, so a file reads the same
    /// either way.
    static let maxWindow = 1 << 27
}

/// The fields of a frame header that decoding needs.
struct ZstdFrameHeader {
    /// Header bytes after the magic number.
    var size: Int
    var windowSize: Int
    var contentSize: Int?
    var hasChecksum: Bool

    /// The header size (after the magic number) that the frame header descriptor `descriptor`
    /// announces, itself included.
    static func size(descriptor: UInt8) -> Int {
        let singleSegment = descriptor & 0x20 != 0
        let dictionarySize = [0, 1, 2, 4][Int(descriptor & 3)]
        let contentSizeSize = [singleSegment ? 1 : 0, 2, 4, 8][Int(descriptor >> 6)]
        return 1 + (singleSegment ? 0 : 1) + dictionarySize + contentSizeSize
    }

    /// Parses a header from `bytes` (which start at the descriptor and hold at least
    /// ``size(descriptor:)`` bytes). `offset` is the header's position, for errors.
    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws -> ZstdFrameHeader {
        guard !bytes.isEmpty else { throw CodecError("zstd: truncated frame header at byte \(offset)") }
        let descriptor = bytes[0]
        let size = Self.size(descriptor: descriptor)
        guard bytes.count >= size else { throw CodecError("zstd: truncated frame header at byte \(offset)") }
        guard descriptor & 0x08 == 0 else { throw CodecError("zstd: reserved bit set in the frame header at byte \(offset)") }
        let singleSegment = descriptor & 0x20 != 0
        var p = 1
        var windowSize = 0
        if !singleSegment {
            let windowDescriptor = Int(bytes[1])
            let windowLog = 10 + (windowDescriptor >> 3)
            let base = 1 << windowLog
            windowSize = base + (base / 8) * (windowDescriptor & 7)
            p = 2
        }
        @inline(__always) func littleEndian(_ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in 0..<count { value |= UInt64(bytes[p + i]) << (8 * UInt64(i)) }
            p += count
            return value
        }
        let dictionary = littleEndian([0, 1, 2, 4][Int(descriptor & 3)])
        guard dictionary == 0 else {
            throw CodecError("zstd: the frame at byte \(offset) needs dictionary \(dictionary); dictionaries are not supported")
        }
        var contentSize: Int?
        switch descriptor >> 6 {
        case 0:
            if singleSegment { contentSize = Int(truncatingIfNeeded: littleEndian(1)) }
        case 1:
            contentSize = Int(truncatingIfNeeded: littleEndian(2)) + 256
        case 2:
            contentSize = Int(truncatingIfNeeded: littleEndian(4))
        default:
            let value = littleEndian(8)
            guard let exact = Int(exactly: value) else {
                throw CodecError("zstd: content size \(value) of the frame at byte \(offset) is too large")
            }
            contentSize = exact
        }
        if singleSegment { windowSize = contentSize ?? 0 }
        return ZstdFrameHeader(size: size, windowSize: windowSize, contentSize: contentSize, hasChecksum: descriptor & 4 != 0)
    }

    /// Block_Maximum_Size.
    var blockMax: Int { min(windowSize, ZstdBlockContext.blockMax) }

    /// Refuses a window over ``ZstdFormat/maxWindow``; `start` is the frame's position.
    func checkWindow(frameAt start: Int) throws {
        guard windowSize <= ZstdFormat.maxWindow else {
            throw CodecError("zstd: the frame at byte \(start) needs a \(windowSize)-byte window, over the \(ZstdFormat.maxWindow) allowed")
        }
    }
}

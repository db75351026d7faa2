// Streaming zstd decompression with bounded output per call, written from scratch for
// Sluice.

/// Decompresses a `.zst` file piece by piece: frames in a row, skippable frames skipped. It
/// keeps the frame's window of decoded bytes (at most ``ZstdFormat/maxWindow``) and
/// decodes one block at a time, only once the previous block's output has been delivered, so
/// a call never appends more than `limit` bytes and never holds more than one block pending.
struct ZstdStreamDecompressor: StreamDecompressor {
    private enum State {
        case magic
        case skippableSize
        case skipping(Int)
        case descriptor
        case headerRest(UInt8)
        case blockHeader
        case block(type: Int, size: Int, last: Bool)
        case checksum
    }

    private var state = State.magic
    /// Bytes of the current unit (magic, header, block) gathered across calls so far.
    private var staged = 0
    private var context: ZstdBlockContext?
    private var header = ZstdFrameHeader(size: 0, windowSize: 0, contentSize: nil, hasChecksum: false)
    /// Decoded bytes: the window's history, then bytes not yet delivered from `pending`.
    private var window: [UInt8] = []
    private var pending = 0
    private var frameStart = 0
    private var frameProduced = 0
    private var hasher = XXHash64()
    /// Compressed bytes consumed before the current call, for error offsets.
    private var totalIn = 0
    /// Where the current unit started in the compressed stream.
    private var unitStart = 0

    init() {}

    mutating func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws -> Int {
        let context = self.context ?? ZstdBlockContext()
        self.context = context
        var consumed = 0
        var emitted = 0
        while emitted < limit {
            if pending < window.count {
                let count = min(window.count - pending, limit - emitted)
                output.append(contentsOf: window[pending..<(pending + count)])
                pending += count
                emitted += count
                continue
            }
            guard try step(input, &consumed, context) else { break }
        }
        totalIn += consumed
        return consumed
    }

    mutating func finish() throws {
        guard totalIn > 0 else { throw CodecError("zstd: the stream is empty") }
        guard pending == window.count else { throw CodecError("zstd: finish() with decoded bytes not yet delivered") }
        guard case .magic = state, staged == 0 else {
            throw CodecError("zstd: truncated stream: the input ends at byte \(totalIn) inside a frame")
        }
    }

    /// The next `count` (at most ``ZstdBlockContext/blockMax``) bytes of the stream, from the
    /// input directly or gathered across calls in the context's staging buffer; nil (having
    /// staged what there is) when the input ends first. Valid until the next call.
    private mutating func gather(
        _ count: Int, _ input: UnsafeRawBufferPointer, _ consumed: inout Int, _ context: ZstdBlockContext
    ) -> UnsafeRawBufferPointer? {
        if staged == 0 {
            unitStart = totalIn + consumed
            if input.count - consumed >= count {
                defer { consumed += count }
                return UnsafeRawBufferPointer(rebasing: input[consumed..<(consumed + count)])
            }
        }
        let take = min(count - staged, input.count - consumed)
        if take > 0, let base = input.baseAddress {
            (context.staging + staged).copyMemory(from: base + consumed, byteCount: take)
        }
        staged += take
        consumed += take
        guard staged == count else { return nil }
        staged = 0
        return UnsafeRawBufferPointer(start: context.staging, count: count)
    }

    /// Handles the next unit of the stream; false when the input ran out.
    private mutating func step(_ input: UnsafeRawBufferPointer, _ consumed: inout Int, _ context: ZstdBlockContext) throws -> Bool {
        switch state {
        case .magic:
            guard let bytes = gather(4, input, &consumed, context) else { return false }
            let magic = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
            if magic & ZstdFormat.skippableMask == ZstdFormat.skippableMagic {
                state = .skippableSize
            } else if magic == ZstdFormat.magic {
                state = .descriptor
            } else {
                throw CodecError("zstd: no frame magic number at byte \(unitStart)")
            }
        case .skippableSize:
            guard let bytes = gather(4, input, &consumed, context) else { return false }
            let size = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
            state = size == 0 ? .magic : .skipping(Int(size))
        case .skipping(let remaining):
            let take = min(remaining, input.count - consumed)
            guard take > 0 else { return false }
            consumed += take
            state = take == remaining ? .magic : .skipping(remaining - take)
        case .descriptor:
            guard let bytes = gather(1, input, &consumed, context) else { return false }
            state = .headerRest(bytes[0])
        case .headerRest(let descriptor):
            let size = ZstdFrameHeader.size(descriptor: descriptor)
            guard let rest = gather(size - 1, input, &consumed, context) else { return false }
            let bytes = [descriptor] + Array(rest)
            let parsed = try bytes.withUnsafeBytes { try ZstdFrameHeader.parse($0, at: unitStart - 1) }
            try parsed.checkWindow(frameAt: unitStart - 5)
            header = parsed
            context.startFrame()
            window.removeAll(keepingCapacity: true)
            pending = 0
            frameStart = 0
            frameProduced = 0
            hasher = XXHash64()
            state = .blockHeader
        case .blockHeader:
            guard let bytes = gather(3, input, &consumed, context) else { return false }
            let value = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
            let type = (value >> 1) & 3
            let size = value >> 3
            guard type != 3 else { throw CodecError("zstd: reserved block type at byte \(unitStart)") }
            guard size <= header.blockMax else {
                throw CodecError("zstd: block at byte \(unitStart) of \(size) bytes exceeds \(header.blockMax)")
            }
            state = .block(type: type, size: size, last: value & 1 != 0)
        case .block(let type, let size, let last):
            guard let body = gather(type == 1 ? 1 : size, input, &consumed, context) else { return false }
            try decodeBlock(type: type, size: size, body, context, at: unitStart)
            state = last ? (header.hasChecksum ? .checksum : .magic) : .blockHeader
            if last, let size = header.contentSize, size != frameProduced {
                throw CodecError("zstd: frame ending at byte \(totalIn + consumed) decoded to \(frameProduced) bytes, its header says \(size)")
            }
        case .checksum:
            guard let bytes = gather(4, input, &consumed, context) else { return false }
            let expected = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
            guard expected == UInt32(truncatingIfNeeded: hasher.digest()) else {
                throw CodecError("zstd: content checksum mismatch at byte \(unitStart)")
            }
            state = .magic
        }
        return true
    }

    private mutating func decodeBlock(type: Int, size: Int, _ body: UnsafeRawBufferPointer, _ context: ZstdBlockContext, at offset: Int) throws {
        compactWindow()
        let mark = window.count
        switch type {
        case 0:
            window.append(contentsOf: body)
        case 1:
            window.append(contentsOf: repeatElement(body[0], count: size))
        default:
            let blockMax = header.blockMax
            window.append(contentsOf: repeatElement(0, count: blockMax + ZstdBlockContext.slack))
            let start = frameStart
            let windowSize = header.windowSize
            let written = try window.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                return try context.decode(
                    body, at: offset, into: base, position: mark, historyStart: start, windowSize: windowSize, blockMax: blockMax)
            }
            window.removeLast(blockMax + ZstdBlockContext.slack - written)
        }
        let produced = window.count - mark
        frameProduced += produced
        if let size = header.contentSize, frameProduced > size {
            throw CodecError("zstd: frame decodes to more than the \(size) bytes its header says (block at byte \(offset))")
        }
        if header.hasChecksum {
            window.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[mark...])) }
        }
    }

    /// Drops delivered history beyond the window once it has grown well past it.
    private mutating func compactWindow() {
        let keep = header.windowSize
        guard pending == window.count, window.count > 2 * keep + 2 * ZstdBlockContext.blockMax else { return }
        let drop = window.count - keep
        window.removeFirst(drop)
        pending -= drop
        frameStart = max(0, frameStart - drop)
    }
}

// Streaming bzip2 decompression (the `.bz2` format), written from scratch for Sluice: no
// Swift package reads bzip2.

/// Decompresses a `.bz2` file piece by piece: one or more concatenated streams (as pbzip2
/// writes them). Blocks are not byte-aligned and carry no length, so compressed bytes are
/// gathered until a whole block decodes; the decoded block then yields its output a `limit`
/// at a time. Block and stream CRCs are checked.
struct Bzip2StreamDecompressor: StreamDecompressor {
    private enum State { case streamHeader, blocks, done }

    private var state = State.streamHeader
    /// Compressed bytes not yet decoded; `bitPosition` is where the next unit starts.
    private var buffer: [UInt8] = []
    private var bitPosition = 0
    /// Stream offset of `buffer[0]`, for errors.
    private var bufferOffset = 0
    private var blockSize = 0
    private var streamCRC: UInt32 = 0
    private var streams = 0
    private var block: Bzip2Block?
    /// Bytes the buffer must hold (from the current unit) before decoding is tried again.
    private var retryAt = 0

    static let blockMagic = 0x3141_5926_5359
    static let endMagic = 0x1772_4538_5090

    init() {}

    mutating func decompress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8], limit: Int) throws -> Int {
        var emitted = 0
        var consumed = 0
        while emitted < limit {
            if var current = block {
                block = nil
                emitted += current.emit(into: &output, limit: limit - emitted)
                if !current.isDone {
                    block = current
                    break
                }
                guard current.computedCRC == current.expectedCRC else {
                    throw CodecError("bzip2: CRC mismatch in the block at byte \(current.offset)")
                }
                streamCRC = (streamCRC << 1 | streamCRC >> 31) ^ current.expectedCRC
                continue
            }
            if consumed < input.count {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[consumed...]))
                consumed = input.count
            }
            guard try next(atEnd: input.isEmpty) else { break }
        }
        return consumed
    }

    mutating func finish() throws {
        guard block == nil else { throw CodecError("bzip2: finish() with decoded bytes not yet delivered") }
        guard streams > 0 else {
            throw CodecError(buffer.isEmpty ? "bzip2: the stream is empty" : "bzip2: truncated stream at byte \(bufferOffset + bitPosition / 8)")
        }
        guard state == .streamHeader, bitPosition / 8 == buffer.count else {
            throw CodecError("bzip2: truncated stream or trailing data at byte \(bufferOffset + bitPosition / 8)")
        }
    }

    /// Decodes the next unit (stream header, block, stream end); false when more input is
    /// needed first.
    private mutating func next(atEnd: Bool) throws -> Bool {
        compact()
        let available = buffer.count - bitPosition / 8
        switch state {
        case .streamHeader, .done:
            guard available >= 4 else { return false }
            let p = bitPosition / 8
            guard buffer[p] == 0x42, buffer[p + 1] == 0x5A, buffer[p + 2] == 0x68, (0x31...0x39).contains(buffer[p + 3]) else {
                throw CodecError("bzip2: no stream header at byte \(bufferOffset + p)")
            }
            blockSize = Int(buffer[p + 3] - 0x30) * 100_000
            streamCRC = 0
            bitPosition += 32
            state = .blocks
            retryAt = 0
            return true
        case .blocks:
            // Gather input geometrically before retrying, so tiny pieces cost linear time.
            guard atEnd || available >= retryAt else { return false }
            let offset = bufferOffset + bitPosition / 8
            do {
                let (decoded, end) = try buffer.withUnsafeBufferPointer { bytes -> (Bzip2Block?, Int) in
                    var reader = Bzip2BitReader(bytes: bytes, position: bitPosition)
                    let magic = try reader.read(48)
                    if magic == Self.blockMagic {
                        return (try Bzip2Block(&reader, maxSize: blockSize, offset: offset), reader.position)
                    }
                    guard magic == Self.endMagic else { throw CodecError("bzip2: no block or end marker at byte \(offset)") }
                    let crc = UInt32(truncatingIfNeeded: try reader.read(32))
                    guard crc == streamCRC else { throw CodecError("bzip2: stream CRC mismatch at byte \(offset)") }
                    return (nil, (reader.position + 7) & ~7)
                }
                bitPosition = end
                retryAt = 0
                if let decoded {
                    block = decoded
                } else {
                    streams += 1
                    state = .streamHeader
                }
                return true
            } catch is Bzip2NeedsInput {
                retryAt = max(available + 4096, available + available / 2)
                return false
            }
        }
    }

    /// Drops the bytes before the current unit once they are many.
    private mutating func compact() {
        let drop = bitPosition / 8
        guard drop > 1 << 16, drop * 2 > buffer.count else { return }
        buffer.removeFirst(drop)
        bufferOffset += drop
        bitPosition -= drop * 8
    }
}

/// Strips a UTF-8 byte order mark from the start of a stream even when it arrives split
/// over several chunks: the first bytes are held back until three are known.
struct ByteOrderMark: Sendable {
    /// What to do with a chunk.
    enum Outcome {
        /// Process the chunk as it is.
        case pass
        /// Process the chunk after its first `n` bytes (the mark).
        case skip(Int)
        /// Nothing to process yet; the bytes are held.
        case hold
        /// Process these bytes instead; `skipped` bytes of mark were dropped before them.
        case release([UInt8], skipped: Int)
    }

    private var decided = false
    private var held: [UInt8] = []

    /// Decides what to process of `bytes` (`final` at end of input, with empty `bytes`).
    mutating func take(_ bytes: UnsafeRawBufferPointer, final: Bool) -> Outcome {
        if decided { return .pass }
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        if held.isEmpty, bytes.count >= 3 {
            // The usual case: the whole mark (or its absence) is in the first chunk; no copy.
            decided = true
            return bytes.prefix(3).elementsEqual(mark) ? .skip(3) : .pass
        }
        held.append(contentsOf: bytes)
        if held.count < 3, !final, held.elementsEqual(mark.prefix(held.count)) { return .hold }
        decided = true
        let skip = held.count >= 3 && held.prefix(3).elementsEqual(mark) ? 3 : 0
        let pending = Array(held[skip...])
        held = []
        return .release(pending, skipped: skip)
    }
}

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

extension ByteOrderMark.Outcome {
    /// Bytes of mark dropped in front of what ``withBytes(of:_:)`` hands on: add them to the
    /// input offset before processing.
    var skipped: Int {
        switch self {
        case .pass, .hold: return 0
        case .skip(let n): return n
        case .release(_, let skipped): return skipped
        }
    }

    /// Calls `body` with what to parse of `bytes` (the chunk that was taken): all of it, the
    /// part after the mark, the bytes held back until now, or nothing.
    func withBytes<E: Error>(of bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        switch self {
        case .pass: if !bytes.isEmpty { try body(bytes) }
        case .skip(let n): try body(UnsafeRawBufferPointer(rebasing: bytes[n...]))
        case .hold: return
        case .release(let pending, _):
            guard !pending.isEmpty else { return }
            let copy = pending
            var failure: E?
            copy.withUnsafeBytes { held in
                do throws(E) { try body(held) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }
}

import SluiceCore

/// Keeps the byte accounting and pending rejections of a decoder, so every emitted
/// ``SourceChunk`` covers an exact span of input and the spans add up to the input size.
struct ChunkLedger: Sendable {
    /// Bytes fed so far.
    private(set) var fed = 0
    /// Bytes already attributed to emitted chunks.
    private(set) var reported = 0
    /// Rejections found since the last emitted chunk.
    private(set) var rejected: [Rejection] = []

    mutating func didFeed(_ count: Int) { fed += count }

    mutating func reject(_ rejection: Rejection) { rejected.append(rejection) }

    /// A chunk of `batch` covering input up to absolute offset `end`.
    mutating func chunk(_ batch: RecordBatch, upTo end: Int) -> SourceChunk {
        let bytes = max(0, min(end, fed) - reported)
        reported += bytes
        let chunk = SourceChunk(batch: batch, rejected: rejected, bytes: bytes)
        rejected.removeAll()
        return chunk
    }

    /// The last chunk: `batch` with everything not yet reported. `nil` when there is nothing
    /// to say (no rows, no rejections, no bytes).
    mutating func finalChunk(_ batch: RecordBatch) -> SourceChunk? {
        guard !batch.isEmpty || !rejected.isEmpty || fed > reported else { return nil }
        return chunk(batch, upTo: fed)
    }
}

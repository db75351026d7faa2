import SluiceCore

/// The chunks a decoder has produced during one `feed` or `finish`, with the
/// ``ChunkLedger`` that attributes input bytes and rejections to them.
struct ChunkOutput: Sendable {
    private var ledger = ChunkLedger()
    private var chunks: [SourceChunk] = []

    /// Counts `count` more bytes of input.
    mutating func didFeed(_ count: Int) { ledger.didFeed(count) }

    /// Records a rejected row; it travels with the next chunk emitted.
    mutating func reject(_ rejection: Rejection) { ledger.reject(rejection) }

    /// Emits `batch` as a chunk covering input up to absolute offset `end`.
    mutating func emit(_ batch: RecordBatch, upTo end: Int) {
        chunks.append(ledger.chunk(batch, upTo: end))
    }

    /// Emits the last chunk: `batch` with every byte and rejection not reported yet (nothing
    /// when there is nothing to report).
    mutating func emitFinal(_ batch: RecordBatch) {
        if let last = ledger.finalChunk(batch) { chunks.append(last) }
    }

    /// The chunks emitted since the last call.
    mutating func take() -> [SourceChunk] {
        defer { chunks = [] }
        return chunks
    }
}

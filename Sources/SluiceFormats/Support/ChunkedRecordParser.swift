import SluiceCore

/// The record-level half of a decoder whose records end at line feeds (CSV, NDJSON): where a
/// record that arrives piece by piece ends, and how the complete records of a buffer become
/// rows. The rest — the byte order mark, input offsets, the record carried from one chunk to
/// the next and the byte accounting — is ``ChunkedRecordDriver``'s.
///
/// The driver is generic over its parser, so these calls are specialized, not dispatched.
protocol ChunkedRecordParser: Sendable {
    /// The index just past the end of the carried record in `p`, the bytes that follow the
    /// ones already carried; `nil` when `p` ends inside the record. Any scanning state carries
    /// on into the next call until ``carryBegan(with:)`` starts a new record.
    mutating func carriedRecordEnd(in p: UnsafeRawBufferPointer) -> Int?

    /// A new carried record starts with `carried` (which holds no record end): set up
    /// ``carriedRecordEnd(in:)`` to go on from the end of these bytes.
    mutating func carryBegan(with carried: UnsafeRawBufferPointer)

    /// Reads the complete records at the start of `p`, whose first byte is at absolute input
    /// offset `offset`, into rows, rejections and full batches in `output`. With `final`, `p`
    /// ends the input and is read to its end. Returns the bytes consumed: the end of the last
    /// complete record.
    mutating func parseRecords(_ p: UnsafeRawBufferPointer, at offset: Int, final: Bool, into output: inout ChunkOutput) -> Int

    /// The rows not emitted yet, as the last batch (at the end of input).
    mutating func finalBatch() -> RecordBatch
}

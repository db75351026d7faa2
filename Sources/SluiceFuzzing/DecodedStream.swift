import SluiceCore
import SluiceFormats

/// Everything a record-stream decoder produced for one input, in a form two reads of the
/// same input can be compared by exactly.
public struct DecodedStream: Sendable, Equatable {
    /// Every row, as compact JSON in its batch's field order (which tells `1` from `1.0` and
    /// leaves absent fields out).
    public var rows: [String]
    /// Each row's position (its line, or record number for JSON documents).
    public var positions: [Int]
    /// The fields of each emitted batch.
    public var fields: [[String]]
    /// Rows per emitted chunk.
    public var chunkRows: [Int]
    /// Input bytes each emitted chunk accounts for.
    public var chunkBytes: [Int]
    /// The rows that could not be read, in order.
    public var rejections: [Rejection]
    /// The document-level failure, when the decoder threw one.
    public var error: FormatError?
    /// Every row as an object (not compared: ``rows`` says the same).
    public var records: [ValueObject]

    public static func == (a: DecodedStream, b: DecodedStream) -> Bool {
        a.rows == b.rows && a.positions == b.positions && a.fields == b.fields && a.chunkRows == b.chunkRows
            && a.chunkBytes == b.chunkBytes && a.rejections == b.rejections && a.error == b.error
    }

    /// A short account: `3 records, 1 rejection` or the error.
    public var summary: String {
        if let error { return "error: \(error) (after \(rows.count) records, \(rejections.count) rejections)" }
        return "\(rows.count) records, \(rejections.count) rejections"
    }

    /// Reads `input` with a new decoder for `format`, fed in `pieces` (consecutive ranges
    /// covering the input), then finished. A thrown ``FormatError`` ends the read and is kept;
    /// any other error is kept as a ``FormatError`` without a line.
    public static func decode(_ format: DataFormat, _ input: [UInt8], options: DecodeOptions, pieces: [Range<Int>]) -> DecodedStream {
        var decoder = makeDecoder(format, options: options)
        var chunks: [SourceChunk] = []
        var failure: FormatError?
        do {
            try input.withUnsafeBytes { raw in
                for piece in pieces { chunks += try decoder.feed(UnsafeRawBufferPointer(rebasing: raw[piece])) }
            }
            chunks += try decoder.finish()
        } catch let error as FormatError {
            failure = error
        } catch {
            failure = FormatError(line: nil, message: "unexpected error type: \(error)")
        }
        return DecodedStream(chunks, error: failure)
    }

    /// Everything in `chunks`, with `error`.
    init(_ chunks: [SourceChunk], error: FormatError?) {
        records = chunks.flatMap(\.batch.records)
        rows = records.map { JSONText.string(.object($0)) }
        positions = chunks.flatMap(\.batch.positions)
        fields = chunks.map(\.batch.fields)
        chunkRows = chunks.map(\.batch.count)
        chunkBytes = chunks.map(\.bytes)
        rejections = chunks.flatMap(\.rejected)
        self.error = error
    }
}

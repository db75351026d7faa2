import SluiceCore
import SluiceFormats

/// The part every byte-stream source shares: feed raw chunks to a format decoder and hand
/// out the batches it completes one at a time, so the caller pulls (and backpressure holds).
struct DecodingReader {
    private var decoder: any RecordStreamDecoder
    private var pending: [SourceChunk] = []
    private var pendingIndex = 0
    private(set) var finished = false

    init(decoder: any RecordStreamDecoder) { self.decoder = decoder }

    /// The schema the input declares, for a decoder of a self-describing format, once read.
    var declaredSchema: [FieldSchema]? { (decoder as? any SchemaDeclaringDecoder)?.declaredSchema }

    /// The next decoded chunk, or `nil` when more input is needed (or the input has ended).
    mutating func nextDecoded() -> SourceChunk? {
        guard pendingIndex < pending.count else {
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            return nil
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// Decodes more input.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws { pending = try decoder.feed(bytes) }

    /// Signals the end of input and decodes the rest.
    mutating func finish() throws {
        finished = true
        pending = try decoder.finish()
    }
}

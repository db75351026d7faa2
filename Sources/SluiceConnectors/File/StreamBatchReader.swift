import SluiceCore
import SluiceFormats

/// One streaming read of a file through a format decoder: reads a chunk, feeds the decoder,
/// hands out its batches. For a compressed file, each chunk counts the compressed bytes
/// consumed since the one before, so the chunks add up to the file's size.
final class StreamBatchReader: BatchReader {
    private let stream: any ByteStream
    private var reader: DecodingReader
    private var buffer: [UInt8]
    private let compressed: Bool
    private var reported = 0
    /// Chunks decoded while reading the schema, handed out first.
    private var primed: [SourceChunk] = []
    let expectedBytes: Int?

    init(stream: any ByteStream, decoder: any RecordStreamDecoder, expectedBytes: Int?) {
        self.stream = stream
        self.reader = DecodingReader(decoder: decoder)
        self.expectedBytes = expectedBytes
        self.compressed = stream is DecompressingStream
        self.buffer = [UInt8](repeating: 0, count: FileSource.readChunkBytes)
    }

    /// The schema the file declares (an Avro header's), once read: see ``readSchema()``.
    var declaredSchema: [FieldSchema]? { reader.declaredSchema }

    /// Reads until the decoder knows the file's schema (or the file ends), keeping what it
    /// decoded for ``next()``: the schema is wanted before the first batch.
    func readSchema() async throws {
        while reader.declaredSchema == nil, !reader.finished {
            guard try await readMore() else { break }
            while let chunk = reader.nextDecoded() { primed.append(chunk) }
        }
        while let chunk = reader.nextDecoded() { primed.append(chunk) }
    }

    func next() async throws -> SourceChunk? {
        if !primed.isEmpty { return counted(primed.removeFirst()) }
        while true {
            if let chunk = reader.nextDecoded() { return counted(chunk) }
            if reader.finished {
                guard compressed, stream.consumed > reported else { return nil }
                // Compressed bytes after the last record (a trailer): counted on an empty chunk.
                defer { reported = stream.consumed }
                return SourceChunk(batch: .empty, bytes: stream.consumed - reported)
            }
            _ = try await readMore()
        }
    }

    /// Feeds the decoder the next piece of the file; false at the end (the decoder finished).
    private func readMore() async throws -> Bool {
        try await stream.ready()
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        if count == 0 {
            try reader.finish()
            return false
        }
        try buffer.withUnsafeBytes { try reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return true
    }

    /// `chunk` counting, for a compressed file, the compressed bytes consumed since the last.
    private func counted(_ chunk: SourceChunk) -> SourceChunk {
        guard compressed else { return chunk }
        var chunk = chunk
        chunk.bytes = stream.consumed - reported
        reported = stream.consumed
        return chunk
    }
}

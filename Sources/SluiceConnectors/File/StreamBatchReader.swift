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
    let expectedBytes: Int?

    init(stream: any ByteStream, decoder: any RecordStreamDecoder, expectedBytes: Int?) {
        self.stream = stream
        self.reader = DecodingReader(decoder: decoder)
        self.expectedBytes = expectedBytes
        self.compressed = stream is DecompressingStream
        self.buffer = [UInt8](repeating: 0, count: FileSource.readChunkBytes)
    }

    func next() async throws -> SourceChunk? {
        while true {
            if var chunk = reader.nextDecoded() {
                if compressed {
                    chunk.bytes = stream.consumed - reported
                    reported = stream.consumed
                }
                return chunk
            }
            if reader.finished {
                guard compressed, stream.consumed > reported else { return nil }
                // Compressed bytes after the last record (a trailer): counted on an empty chunk.
                defer { reported = stream.consumed }
                return SourceChunk(batch: .empty, bytes: stream.consumed - reported)
            }
            let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            if count == 0 {
                try reader.finish()
            } else {
                try buffer.withUnsafeBytes { try reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }
}

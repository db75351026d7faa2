// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore
import SluiceFormats

/// Reads an Avro object container file through a ``RandomAccessInput`` (for callers that read
/// typed files that way, as Parquet's reader does): ``AvroDecoder`` fed in reads of
/// `readSize` bytes, so it holds at most one read and one block at a time.
public final class AvroFileReader: RecordFileReader {
    /// The writer schema's top-level fields, read from the header when the reader is made.
    public let declaredSchema: [FieldSchema]?
    private let input: any RandomAccessInput
    private let readSize: Int
    private var decoder: AvroDecoder
    private var offset = 0
    private var ready: [SourceChunk] = []
    private var finished = false

    /// Opens `input` and reads its header; throws ``FormatError`` when it is not an Avro file.
    public init(input: any RandomAccessInput, options: DecodeOptions = DecodeOptions(), readSize: Int = 1 << 20) throws {
        self.input = input
        self.readSize = max(1, readSize)
        var decoder = AvroDecoder(options: options, name: input.name)
        var ready: [SourceChunk] = []
        var offset = 0
        while decoder.declaredSchema == nil, offset < input.size {
            let count = min(self.readSize, input.size - offset)
            ready += try decoder.feed(try input.read(offset: offset, count: count))
            offset += count
        }
        // A file that ends inside its header: finish says so.
        if decoder.declaredSchema == nil { _ = try decoder.finish() }
        self.decoder = decoder
        self.ready = ready
        self.offset = offset
        declaredSchema = decoder.declaredSchema
    }

    /// The next chunk of records, or `nil` after the last.
    public func next() throws -> SourceChunk? {
        while ready.isEmpty {
            if finished { return nil }
            if offset >= input.size {
                ready = try decoder.finish()
                finished = true
            } else {
                let count = min(readSize, input.size - offset)
                ready = try decoder.feed(try input.read(offset: offset, count: count))
                offset += count
            }
        }
        return ready.removeFirst()
    }
}

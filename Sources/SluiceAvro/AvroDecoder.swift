// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore
import SluiceFormats

/// Reads an Avro object container file as a stream: feed it chunks of any size, then finish.
///
/// The header (magic, metadata, sync marker) is read first; from then on ``declaredSchema``
/// holds the writer schema's top-level fields. Avro types map to ``LogicalType``s by name
/// (`int` → int32, `long` → int64, `bytes` → binary, `fixed` → fixedBinary, records →
/// structure, …, logical types to their counterparts, a duration to a structure of three
/// uint32); a union of `null` and one type is that type, nullable; any other union is `json`,
/// each value being that of the branch it holds; a record inside itself is `json` there.
/// Blocks are then decoded one at a time, each once all of
/// it has arrived: its declared size is checked against ``AvroLimits/maximumBlockBytes``
/// before it is buffered, its codec (`null`, `deflate`, `snappy` with its CRC-32,
/// `zstandard`) undone, and its sync marker compared with the header's.
///
/// Records become batches of `options.batchSize` rows whose positions are 1-based record
/// numbers: flat primitive fields in typed columns (ints, doubles, bools, text; binary as
/// base64 text), nested and logical types as ``Value``s, and fields outside
/// `options.projection` skipped without building values. A file whose schema is not a record
/// yields one field, `value`. A record with an unusable value (text that is not UTF-8 under
/// the default ``InvalidUTF8Handling/reject``, a date beyond the timestamp range) is refused
/// into ``SourceChunk/rejected``; bytes that cannot be read fail with ``FormatError`` naming
/// the file, the block, its byte offset and the record.
public struct AvroDecoder: RecordStreamDecoder {
    /// The file's name, for messages.
    public let name: String
    private let options: DecodeOptions
    /// The writer schema's top-level fields, once the header has been read.
    public private(set) var declaredSchema: [FieldSchema]?
    /// The file's metadata entries (`avro.schema`, `avro.codec`, any others), once the header
    /// has been read.
    public private(set) var metadata: [(key: String, value: [UInt8])] = []
    /// The block codec, once the header has been read.
    public private(set) var codec: AvroCodec?

    private var sync: AvroSyncMarker?
    private var assembler: AvroRecordAssembler?
    /// Input received but not consumed yet (a part of the header or of a block).
    private var pending: [UInt8] = []
    /// The file offset of `pending[0]`.
    private var pendingOffset = 0
    /// How many bytes `pending` must hold before another attempt to parse is worth it.
    private var needed = 0
    /// The data size the block at `pendingOffset` declares, once its count and size are read.
    private var declaredBlockBytes: Int?
    /// Blocks decoded so far.
    private var blocks = 0
    /// Bytes fed so far, and bytes attributed to chunks already returned.
    private var fed = 0
    private var reported = 0
    /// Reused output of block decompression.
    private var inflated: [UInt8] = []

    /// A decoder with `options`; `name` (a path or URL) is what error messages call the file.
    public init(options: DecodeOptions = DecodeOptions(), name: String = "Avro input") {
        self.options = options
        self.name = name
    }

    /// Consumes `bytes`: reads the header once it is complete, then every whole block; returns
    /// the batches completed. Throws ``FormatError`` for a damaged file.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [SourceChunk] {
        fed += bytes.count
        var chunks: [SourceChunk] = []
        var offset = 0
        while offset < bytes.count {
            if pending.isEmpty {
                // Whole blocks are decoded straight from the caller's bytes; only a partial
                // one at the end is copied.
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                let consumed = try process(rest, chunks: &chunks)
                pendingOffset += consumed
                pending.append(contentsOf: rest[consumed...])
                break
            }
            // Top up the partial unit: while in the header, with everything; in a block, with
            // just what it still needs, so the blocks after it are read without a copy.
            let want = sync == nil ? bytes.count - offset : max(needed - pending.count, 0)
            let take = min(bytes.count - offset, want)
            pending.append(contentsOf: bytes[offset..<(offset + take)])
            offset += take
            guard pending.count >= needed else { break }
            var buffer = pending
            pending = []
            let consumed = try buffer.withUnsafeBytes { try process($0, chunks: &chunks) }
            buffer.removeFirst(consumed)
            pending = buffer
            pendingOffset += consumed
        }
        return chunks
    }

    /// End of input: returns the rows still held (and the bytes not yet accounted for); throws
    /// ``FormatError`` when the file ends inside its header or a block.
    public mutating func finish() throws -> [SourceChunk] {
        guard sync != nil else {
            if fed == 0 { throw FormatError("\(name): the file is empty: not an Avro object container file") }
            throw FormatError("\(name): the file ends at byte \(fed), inside its header")
        }
        if !pending.isEmpty {
            let block = blocks + 1
            if let declared = declaredBlockBytes {
                throw FormatError(
                    "\(name): block \(block) at byte \(pendingOffset): the file ends at byte \(fed), before the block's \(declared) bytes of data and its sync marker (truncated file?)")
            }
            throw FormatError("\(name): block \(block) at byte \(pendingOffset): the file ends at byte \(fed), inside the block's count and size (truncated file?)")
        }
        guard var assembler else { return [] }
        let last = assembler.takeBatch()
        self.assembler = assembler
        guard !last.batch.isEmpty || !last.rejected.isEmpty || fed > reported else { return [] }
        return [chunk(last, upTo: fed)]
    }

    /// A chunk of `output` covering the input up to file offset `end`.
    private mutating func chunk(_ output: AvroRecordAssembler.Output, upTo end: Int) -> SourceChunk {
        let bytes = max(0, end - reported)
        reported += bytes
        return SourceChunk(batch: output.batch, rejected: output.rejected, bytes: bytes)
    }

    /// Reads the header (if not read yet) and every whole block at the start of `data`, which
    /// starts at file offset `pendingOffset`; returns how many bytes it consumed.
    private mutating func process(_ data: UnsafeRawBufferPointer, chunks: inout [SourceChunk]) throws -> Int {
        var position = 0
        if sync == nil {
            guard let header = try AvroHeader.parse(data, name: name) else {
                guard data.count <= AvroLimits.maximumHeaderBytes else {
                    throw FormatError("\(name): the header is longer than the limit of \(AvroLimits.maximumHeaderBytes) bytes")
                }
                needed = data.count + 1
                return 0
            }
            try start(with: header)
            position = header.length
        }
        while position < data.count {
            let blockOffset = pendingOffset + position
            var cursor = AvroCursor(data, at: position)
            let count: Int
            let size: Int
            do throws(AvroDataError) {
                count = try cursor.readLong()
                size = try cursor.readLong()
            } catch {
                if error.truncated {
                    needed = data.count - position + 1
                    declaredBlockBytes = nil
                    return position
                }
                throw FormatError("\(name): block \(blocks + 1) at byte \(blockOffset): \(error.message)")
            }
            guard count >= 0 else { throw FormatError("\(name): block \(blocks + 1) at byte \(blockOffset): its record count \(count) is negative") }
            guard size >= 0 else { throw FormatError("\(name): block \(blocks + 1) at byte \(blockOffset): its byte size \(size) is negative") }
            guard size <= AvroLimits.maximumBlockBytes else {
                throw FormatError(
                    "\(name): block \(blocks + 1) at byte \(blockOffset): its byte size \(size) is larger than the limit of \(AvroLimits.maximumBlockBytes) bytes (64 MiB) per block")
            }
            let dataStart = cursor.position
            // size ≤ 64 MiB and dataStart ≤ data.count, so these sums cannot overflow.
            let syncStart = dataStart + size
            let end = syncStart + AvroSyncMarker.size
            guard end <= data.count else {
                needed = end - position
                declaredBlockBytes = size
                return position
            }
            blocks += 1
            guard AvroSyncMarker(UnsafeRawBufferPointer(rebasing: data[syncStart..<end])) == sync else {
                throw FormatError(
                    "\(name): block \(blocks) at byte \(blockOffset): the sync marker after its data (at byte \(pendingOffset + syncStart)) is not the header's; the block's size or data is wrong")
            }
            let context = AvroRecordAssembler.BlockContext(name: name, number: blocks, offset: blockOffset, compressed: codec != .null)
            let outputs = try decodeBlock(UnsafeRawBufferPointer(rebasing: data[dataStart..<syncStart]), count: count, context: context)
            for output in outputs { chunks.append(chunk(output, upTo: pendingOffset + end)) }
            position = end
        }
        needed = 0
        declaredBlockBytes = nil
        return position
    }

    /// Undoes the codec of one block's data and decodes its records.
    private mutating func decodeBlock(
        _ data: UnsafeRawBufferPointer, count: Int, context: AvroRecordAssembler.BlockContext
    ) throws -> [AvroRecordAssembler.Output] {
        guard var assembler, let codec else { return [] }
        self.assembler = nil
        defer { self.assembler = assembler }
        if codec == .null { return try assembler.decode(block: data, count: count, context: context) }
        var buffer = inflated
        inflated = []
        defer { inflated = buffer }
        buffer.removeAll(keepingCapacity: true)
        do throws(AvroDataError) {
            try codec.decompress(data, limit: AvroLimits.maximumDecompressedBlockBytes, into: &buffer)
        } catch {
            throw FormatError("\(name): block \(context.number) at byte \(context.offset): \(error.message)")
        }
        return try buffer.withUnsafeBytes { try assembler.decode(block: $0, count: count, context: context) }
    }

    /// Takes the header: parses the schema and prepares the record assembler.
    private mutating func start(with header: AvroHeader) throws {
        let json: Value
        do {
            json = try JSONParser.parse(header.schemaJSON)
        } catch {
            throw FormatError("\(name): the writer schema (avro.schema in the header) is not valid JSON: \(error)")
        }
        let schema: AvroSchema
        do {
            schema = try AvroSchemaParser.parse(json)
        } catch {
            throw FormatError("\(name): the writer schema (avro.schema in the header) is not a valid Avro schema: \(error.message)")
        }
        declaredSchema = schema.fieldSchemas
        metadata = header.metadata
        codec = header.codec
        sync = header.sync
        assembler = AvroRecordAssembler(schema: schema, options: options)
    }
}

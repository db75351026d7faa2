import SluiceCodecs
import SluiceCore
import SluiceFormats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One write of a ``FileTarget``: encodes batches into a buffer and flushes it to its sink (a
/// temporary file, or an object upload) every `flushRows` records (the target's `batchSize`),
/// compressing it on the way for a `.gz`/`.zst` file.
///
/// Flushes and large encoded batches are written on another thread while the job goes on
/// producing the next batch, one write at a time and in order: each write waits for the one
/// before it, and committing or aborting waits for the last. A failed write fails the next
/// call. The sink is shared with the write in flight and let go only when both are done
/// with it, so a write never reaches a closed (or reused) descriptor.
final class FileTargetWriter: PreEncodingTargetWriter {
    private var sink: (any FileSink)?
    /// The write in flight, if any.
    private var pending: Task<Void, any Error>?
    /// The file or object as messages name it.
    private let finalPath: String
    private let format: FileFormat
    private let flushRows: Int
    private var encoder: (any RecordStreamEncoder)?
    /// The encoder of a typed format (Parquet, Avro, XLSX), which may refuse a value. Made at
    /// the first write or the commit, once the declared schema is known.
    private var typedEncoder: (any RecordFileEncoder)?
    private var makeTypedEncoder: (([FieldSchema]) throws -> any RecordFileEncoder)?
    private var declared: [FieldSchema] = []
    /// Compresses everything written, for a whole-file codec.
    private var compressor: (any StreamCompressor)?
    /// Appending to an existing JSON array: elements are written after the existing ones.
    private var jsonAppendHasElements: Bool?
    private var buffer: [UInt8] = []
    private var bufferedRows = 0
    /// Continuing a file in place (``startContinuing(length:lastByte:delimiter:header:)``).
    private var continuesInPlace = false
    /// Whether any record was written.
    private var wroteRecords = false

    init(sink: any FileSink, finalPath: String, format: FileFormat, flushRows: Int, compressor: (any StreamCompressor)? = nil) {
        self.sink = sink
        self.finalPath = finalPath
        self.format = format
        self.flushRows = max(1, flushRows)
        self.compressor = compressor
        buffer.reserveCapacity(1 << 20)
    }

    /// Prepares a typed format's file: `make` builds its encoder from the declared schema.
    func start(typed make: @escaping ([FieldSchema]) throws -> any RecordFileEncoder) {
        makeTypedEncoder = make
    }

    func declare(_ schema: [FieldSchema]) { declared = schema }

    /// The typed encoder, made (and its file's start written) on first use.
    private func typedEncoderStarted() throws -> (any RecordFileEncoder)? {
        if let typedEncoder { return typedEncoder }
        guard let make = makeTypedEncoder else { return nil }
        var encoder = try make(declared)
        try encoder.begin(into: &buffer)
        makeTypedEncoder = nil
        typedEncoder = encoder
        return encoder
    }

    /// Copies the existing file (`existing`, read by the caller in append mode), then writes
    /// the format's prefix. A compressed file is appended to as a second gzip member or zstd
    /// frame after the existing bytes, which readers take as one stream.
    func start(existing: [UInt8], delimiter: UInt8, header: Bool) async throws {
        guard let textFormat = format.textFormat else { throw ConnectorError.io("\(format.rawValue) is not a text format") }
        var options = EncodeOptions()
        options.delimiter = delimiter
        options.writeHeader = header && existing.isEmpty
        if compressor != nil {
            if let sink, !existing.isEmpty { try await sink.write(existing) }
            var encoder = makeEncoder(textFormat, options: options)
            encoder.begin(into: &buffer)
            self.encoder = encoder
            return
        }
        switch textFormat {
        case .json where !existing.isEmpty:
            guard let close = existing.lastIndex(where: { !isSpace($0) }), existing[close] == UInt8(ascii: "]") else {
                throw ConnectorError.io("cannot append to '\(finalPath)': it does not hold a JSON array")
            }
            let body = existing[..<close]
            let opening = body.firstIndex(where: { !isSpace($0) })
            guard let opening, body[opening] == UInt8(ascii: "[") else {
                throw ConnectorError.io("cannot append to '\(finalPath)': it does not hold a JSON array")
            }
            jsonAppendHasElements = body[(opening + 1)...].contains { !isSpace($0) }
            buffer.append(contentsOf: body)
        default:
            buffer.append(contentsOf: existing)
            if format != .json, let last = existing.last, last != 0x0A { buffer.append(0x0A) }
            var encoder = makeEncoder(textFormat, options: options)
            encoder.begin(into: &buffer)
            self.encoder = encoder
        }
        if let sink, !buffer.isEmpty { try await sink.write(buffer) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the format's start for a write that continues a file in place after its
    /// `length` bytes (``InPlaceAppendSink``), reading nothing of it: a CSV header only into an
    /// empty file, and first a line break when the file's last byte (`lastByte`, `nil` for a
    /// compressed file) does not end a line. A compressed file is continued with a new gzip
    /// member or zstd frame, which readers take as one stream; one into which no record went
    /// gets none, so idle micro-batches add nothing.
    func startContinuing(length: Int, lastByte: UInt8?, delimiter: UInt8, header: Bool) {
        guard let textFormat = format.textFormat, textFormat != .json else { return }
        var options = EncodeOptions()
        options.delimiter = delimiter
        options.writeHeader = header && length == 0
        if compressor == nil, let lastByte, lastByte != 0x0A { buffer.append(0x0A) }
        var encoder = makeEncoder(textFormat, options: options)
        encoder.begin(into: &buffer)
        self.encoder = encoder
        continuesInPlace = true
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    func write(_ batch: RecordBatch) async throws -> Int {
        let before = buffer.count
        if var typedEncoder = try typedEncoderStarted() {
            try typedEncoder.encode(batch, into: &buffer)
            self.typedEncoder = typedEncoder
        } else if var encoder {
            encoder.encode(batch, into: &buffer)
            self.encoder = encoder
        } else if var hasElements = jsonAppendHasElements {
            for row in 0..<batch.count {
                buffer.append(contentsOf: hasElements ? [UInt8(ascii: ","), 0x0A] : [0x0A])
                hasElements = true
                JSONText.append(.object(batch.record(at: row)), to: &buffer)
            }
            jsonAppendHasElements = hasElements
        }
        let written = buffer.count - before
        bufferedRows += batch.count
        if batch.count > 0 { wroteRecords = true }
        if bufferedRows >= flushRows || buffer.count >= 1 << 20 { try await flush() }
        return written
    }

    /// A large encoded batch goes to the file as it is, after whatever is buffered, rather
    /// than being copied into the buffer first.
    func writeEncoded(_ bytes: [UInt8], rows: Int) async throws -> Int {
        if rows > 0 { wroteRecords = true }
        if bytes.count >= 1 << 16, compressor == nil {
            try await flush()
            try await enqueue(bytes)
            return bytes.count
        }
        buffer.append(contentsOf: bytes)
        bufferedRows += rows
        if bufferedRows >= flushRows || buffer.count >= 1 << 20 { try await flush() }
        return bytes.count
    }

    /// Hands the buffer to a background write (compressed first, for a compressed file).
    private func flush() async throws {
        guard !buffer.isEmpty else { return }
        var full: [UInt8] = []
        full.reserveCapacity(1 << 20)
        swap(&full, &buffer)
        bufferedRows = 0
        if var compressor {
            var compressed: [UInt8] = []
            try full.withUnsafeBytes { try compressor.compress($0, into: &compressed) }
            self.compressor = compressor
            full.removeAll(keepingCapacity: true)
            swap(&full, &buffer)
            guard !compressed.isEmpty else { return }
            try await enqueue(compressed)
            return
        }
        try await enqueue(full)
    }

    /// Writes `bytes` on another thread once the write before has finished (and throws its
    /// error, if it failed).
    private func enqueue(_ bytes: [UInt8]) async throws {
        try await settle()
        guard let sink else { throw ConnectorError.io("write to '\(finalPath)' after the file was closed") }
        pending = Task.detached { try await sink.write(bytes) }
    }

    /// Waits for the write in flight; throws its error.
    private func settle() async throws {
        guard let write = pending else { return }
        pending = nil
        try await write.value
    }

    func commit() async throws {
        if var typedEncoder = try typedEncoderStarted() {
            try typedEncoder.finish(into: &buffer)
            self.typedEncoder = typedEncoder
        } else if var encoder {
            encoder.end(into: &buffer)
            self.encoder = encoder
        } else if jsonAppendHasElements != nil {
            buffer.append(contentsOf: [0x0A, UInt8(ascii: "]"), 0x0A])
        }
        if continuesInPlace, !wroteRecords {
            // Nothing to add: not even a line break or an empty gzip member.
            buffer.removeAll()
            compressor = nil
        }
        try await flush()
        if var compressor {
            var trailer: [UInt8] = []
            try compressor.finish(into: &trailer)
            self.compressor = nil
            try await enqueue(trailer)
        }
        do {
            try await settle()
            guard let sink else { throw ConnectorError.io("commit of '\(finalPath)' after the file was closed") }
            self.sink = nil
            try await sink.commit()
        } catch {
            await abort()
            throw error
        }
    }

    func abort() async {
        try? await settle()
        if let sink {
            self.sink = nil
            await sink.abort()
        }
    }
}

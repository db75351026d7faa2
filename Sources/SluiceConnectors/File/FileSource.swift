import SluiceCore
import SluiceFormats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads JSON, NDJSON or CSV from a local file, streaming it in chunks.
public struct FileSource: SplittableSource, ProjectableSource {
    public static let type = "file"

    /// `source.config` of a file source.
    public struct Config: Decodable, Sendable {
        /// Path of the file, inside the data roots.
        public var path: String
        /// `json`, `ndjson` or `csv`; inferred from the extension when absent.
        public var format: DataFormat?
        /// CSV field delimiter (one character); `,` by default, tab for `.tsv`.
        public var delimiter: String?
        /// Whether a CSV file starts with a header row (default true).
        public var header: Bool?
        /// JSON: dotted path to the records array inside a top-level object.
        public var recordsPath: String?
        /// What to do with text that is not valid UTF-8: `reject` the record (default) or
        /// `replace` each bad sequence with U+FFFD.
        public var invalidUtf8: InvalidUTF8Handling?
    }

    /// Bytes read from the file per system call.
    public static let readChunkBytes = 1 << 20

    let path: String
    let options: FileFormatOptions
    let config: Config
    let batchSize: Int
    let roots: DataRoots
    /// Field types from the job schema, for typing CSV cells.
    let fieldTypes: [String: FieldType]
    /// The only fields to read, when the job needs no others.
    private(set) var projection: Set<String>?

    public init(config: Config, context: ComponentContext) throws {
        guard !config.path.isEmpty else { throw SpecError(path: "path", "must not be empty") }
        self.path = try context.dataRoots.authorize(config.path)
        self.options = try FileFormatOptions(path: config.path, format: config.format, delimiter: config.delimiter)
        self.config = config
        self.batchSize = context.batchSize
        self.roots = context.dataRoots
        self.fieldTypes = Dictionary(
            (context.schema?.fields ?? []).map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
    }

    public var location: String { "file:\(path)" }

    public func projecting(_ fields: Set<String>) -> FileSource {
        var projected = self
        projected.projection = fields
        return projected
    }

    public func open() async throws -> any BatchReader {
        let (fd, size, decodeOptions) = try openFile()
        return FileBatchReader(fd: fd, decoder: makeDecoder(options.format, options: decodeOptions), expectedBytes: size)
    }

    /// CSV and NDJSON files are cut into blocks; a JSON document is read by one reader.
    public var splitsIntoBlocks: Bool { options.format == .csv || options.format == .ndjson }

    /// Block-wise reading for CSV and NDJSON; `nil` for JSON documents.
    public func openBlocks(blockBytes: Int) async throws -> (any BlockReader)? {
        guard let splitter = RecordBlockSplitter(format: options.format, delimiter: options.delimiter) else { return nil }
        let (fd, size, decodeOptions) = try openFile()
        return FileBlockReader(
            fd: fd, format: options.format, options: decodeOptions, splitter: splitter, blockBytes: blockBytes,
            expectedBytes: size)
    }

    /// Opens the file (checking the data roots again, against symlinks swapped in since
    /// planning) and prepares the decoder options.
    private func openFile() throws -> (Int32, Int?, DecodeOptions) {
        let real = try roots.authorize(path)
        let fd = Glibc.open(real, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ConnectorError.io("cannot open \(DataRoots.describe(real, given: config.path)): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : nil
        if size != nil, (info.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(fd)
            throw ConnectorError.io("\(DataRoots.describe(real, given: config.path)) is a directory, not a file")
        }
        var decodeOptions = DecodeOptions()
        decodeOptions.batchSize = batchSize
        decodeOptions.delimiter = options.delimiter
        decodeOptions.hasHeader = config.header ?? true
        decodeOptions.recordsPath = config.recordsPath
        decodeOptions.fieldTypes = fieldTypes
        decodeOptions.projection = projection
        decodeOptions.invalidUTF8 = config.invalidUtf8 ?? .reject
        return (fd, size, decodeOptions)
    }
}

/// One streaming read of a file: reads a chunk, feeds the decoder, hands out its batches.
final class FileBatchReader: BatchReader {
    private var fd: Int32
    private var reader: DecodingReader
    private var buffer: [UInt8]
    let expectedBytes: Int?

    init(fd: Int32, decoder: any RecordStreamDecoder, expectedBytes: Int?) {
        self.fd = fd
        self.reader = DecodingReader(decoder: decoder)
        self.expectedBytes = expectedBytes
        self.buffer = [UInt8](repeating: 0, count: FileSource.readChunkBytes)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    func next() async throws -> SourceChunk? {
        while true {
            if let chunk = reader.nextDecoded() { return chunk }
            if reader.finished { return nil }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConnectorError.io("read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                Glibc.close(fd)
                fd = -1
                try reader.finish()
            } else {
                try buffer.withUnsafeBytes { try reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }
}

import SluiceCodecs
import SluiceCore
import SluiceFormats

/// Reads records from local files or objects in a store (S3, GCS, Azure Blob): JSON, NDJSON,
/// CSV, Parquet, Avro or XLSX, each maybe compressed as a whole (`.gz`, `.zst`, `.bz2`, for
/// the streamed formats), one file or many (a directory, a prefix or a glob, read in sorted
/// order as one source).
public struct FileSource: SplittableSource, ProjectableSource, FilterableSource, IncrementalSource {
    public static let type = "file"

    /// An XLSX sheet: by name or by 1-based position.
    public enum SheetSelector: Decodable, Sendable, Equatable {
        case name(String)
        case index(Int)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let index = try? container.decode(Int.self) {
                self = .index(index)
            } else {
                self = .name(try container.decode(String.self))
            }
        }
    }

    /// `source.config` of a file source.
    public struct Config: Decodable, Sendable {
        /// A file, a directory or a glob, inside the data roots.
        public var path: String
        /// The files' format; inferred from the extension when absent.
        public var format: FileFormat?
        /// Whole-file compression; `auto` (default) goes by the extension.
        public var compression: FileCompression?
        /// CSV field delimiter (one character); `,` by default, tab for `.tsv`.
        public var delimiter: String?
        /// Whether a CSV file (or the sheet range) starts with a header row (default true).
        public var header: Bool?
        /// JSON: dotted path to the records array inside a top-level object.
        public var recordsPath: String?
        /// What to do with text that is not valid UTF-8: `reject` the record (default) or
        /// `replace` each bad sequence with U+FFFD.
        public var invalidUtf8: InvalidUTF8Handling?
        /// A field to add to every record naming the file it came from.
        public var fileNameField: String?
        /// A field to add to every record holding when its file or object was last written; as
        /// an incremental cursor it makes a run read only files written since the last one.
        public var modifiedField: String?
        /// Whether `key=value` folders become fields (default true for a directory or glob).
        public var hivePartitioning: Bool?
        /// XLSX: the sheet to read (default the first).
        public var sheet: SheetSelector?
        /// XLSX: the cell range to read (`A1:D100`, `B3:`, `A:C`).
        public var range: String?
        /// Object storage settings, for an object address.
        public var storage: ObjectStorageConfig?
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
    /// Conditions a filter right after the source places on fields (row-group skipping).
    private(set) var conditions: [FieldCondition] = []
    /// Where the objects are, when `path` is an object address.
    var remote: RemoteObjects?
    /// Only files and objects written at or after this instant are read (an incremental run
    /// whose cursor is ``Config/modifiedField``).
    private(set) var modifiedSince: Timestamp?

    public init(config: Config, context: ComponentContext) throws {
        guard !config.path.isEmpty else { throw SpecError(path: "path", "must not be empty") }
        remote = try RemoteObjects.from(path: config.path, storage: config.storage, context: context)
        if remote != nil {
            self.path = config.path
        } else if FileSet.isGlob(config.path) {
            // The folder the pattern starts in must be inside the data roots (checked again,
            // with every file, at each read).
            _ = try context.dataRoots.authorize(FileSet.literalPrefix(of: config.path))
            self.path = config.path
        } else {
            self.path = try context.dataRoots.authorize(config.path)
        }
        var formatName = config.path
        if remote != nil, config.format == nil, FileFormat.infer(fromName: config.path).format == nil {
            throw SpecError(path: "format", "'\(config.path)' has no extension that names a format; set format")
        }
        if remote == nil, config.format == nil, !FileSet.isGlob(config.path), FileSource.isDirectory(path) {
            // A directory: the format of the first file whose extension names one.
            let set = try FileSet(config.path, roots: context.dataRoots) { FileFormat.infer(fromName: $0).format != nil }
            guard let first = set.entries.first else {
                throw SpecError(path: "format", "the directory '\(config.path)' holds no file whose extension names a format; set format")
            }
            formatName = first.shown
        }
        self.options = try FileFormatOptions(
            path: formatName, format: config.format, compression: config.compression, delimiter: config.delimiter)
        if let field = config.fileNameField, field.isEmpty { throw SpecError(path: "fileNameField", "must not be empty") }
        if let field = config.modifiedField {
            if field.isEmpty { throw SpecError(path: "modifiedField", "must not be empty") }
            if field == config.fileNameField { throw SpecError(path: "modifiedField", "names the same field as fileNameField") }
        }
        if case .index(let index) = config.sheet, index < 1 { throw SpecError(path: "sheet", "sheet numbers start at 1, got \(index)") }
        self.config = config
        self.batchSize = context.batchSize
        self.roots = context.dataRoots
        self.fieldTypes = Dictionary(
            (context.schema?.fields ?? []).map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
    }

    static func isDirectory(_ path: String) -> Bool {
        FileSet.isDirectory(path)
    }

    public var location: String { remote == nil ? "file:\(path)" : path }

    public func projecting(_ fields: Set<String>) -> FileSource {
        var projected = self
        var fileFields = fields
        if let name = config.fileNameField { fileFields.remove(name) }
        if let name = config.modifiedField { fileFields.remove(name) }
        projected.projection = fileFields
        return projected
    }

    /// The same source told which conditions a filter right after it places on its fields.
    public func filtering(_ conditions: [FieldCondition]) -> FileSource {
        var filtered = self
        filtered.conditions = conditions
        return filtered
    }

    /// Only by ``Config/modifiedField``: every other cursor is a field inside the records.
    public func filtersItself(by field: String) -> Bool { field == config.modifiedField }

    /// With `field` the ``Config/modifiedField``: the same source reading only the files and
    /// objects written at or after `value` (the engine then drops the records it loaded
    /// already, by the watermark's keys). Any other cursor is left to the engine.
    public func readingFrom(_ value: Value, of field: String) throws -> any Source {
        guard field == config.modifiedField else { return self }
        var copy = self
        switch value {
        case .timestamp(let since): copy.modifiedSince = since
        case .string(let text): copy.modifiedSince = Timestamp(iso8601: text)
        default: return self
        }
        return copy
    }

    /// The files to read now, listed afresh (a scheduled job sees new files), without those
    /// written before ``modifiedSince``.
    func files() async throws -> FileSet {
        let all = try await listed()
        guard let since = modifiedSince else { return all }
        return FileSet(entries: all.entries.filter { entry in entry.modified.map { $0 >= since } ?? true }, isSet: all.isSet)
    }

    private func listed() async throws -> FileSet {
        let format = options.format
        let config = self.config
        let accept = { (name: String) -> Bool in
            let inferred = FileFormat.infer(fromName: name)
            return inferred.format == format || (inferred.format == nil && config.format != nil)
        }
        if let remote { return try await FileSet.objects(remote.location, in: remote.store, accept: accept) }
        return try FileSet(config.path, roots: roots, accept: accept)
    }

    /// The bytes of one file or object, front to back, decompressed with `codec`.
    func openStream(_ entry: FileSet.Entry, codec: StreamCodec?) throws -> any ByteStream {
        guard let remote else { return try openByteStream(entry.path, shown: entry.shown, codec: codec) }
        let stream = ObjectByteStream(store: remote.store, key: entry.path, size: entry.size, version: entry.version)
        return decompressing(stream, shown: entry.shown, codec: codec)
    }

    /// One file's or object's bytes for random access: the local file; or, for an object, its
    /// bytes fetched whole with ranged reads (`wholeObject`), or the fetcher of its ranges.
    func rangeFetch(_ entry: FileSet.Entry) -> ObjectRangeFetch? {
        remote.map { ObjectRangeFetch(store: $0.store, key: entry.path, size: entry.size, version: entry.version) }
    }

    /// A random-access input over the whole file or object (an object is fetched whole).
    func wholeInput(_ entry: FileSet.Entry) async throws -> any RandomAccessInput {
        guard let fetch = rangeFetch(entry) else { return try LocalFileInput(path: entry.path, name: entry.shown) }
        guard entry.size <= Self.maxWholeObjectBytes else {
            throw ConnectorError.remote("\(entry.shown) has \(entry.size) bytes; a \(options.format.rawValue) object is read whole, and at most \(Self.maxWholeObjectBytes) bytes")
        }
        return MemoryInput(name: entry.shown, bytes: try await fetch.whole())
    }

    /// The largest object read whole into memory (an XLSX workbook).
    static let maxWholeObjectBytes = 1 << 30

    /// A Parquet file's block reader: over the local file, or over an object's footer with
    /// each block's column chunks fetched when it is handed out.
    func parquetBlocks(_ entry: FileSet.Entry, options decodeOptions: DecodeOptions, blockBytes: Int) async throws -> ParquetBlockReader {
        if let fetch = rangeFetch(entry) {
            return try ParquetBlockReader(input: try await fetch.parquetFooter(), options: decodeOptions, blockBytes: blockBytes, fetch: fetch)
        }
        let input = try LocalFileInput(path: entry.path, name: entry.shown)
        return try ParquetBlockReader(input: input, options: decodeOptions, blockBytes: blockBytes)
    }

    /// What each file's records get beside their own fields, by the file's index in the set.
    func decorations(for set: FileSet) -> [FileDecoration] {
        let partitions =
            set.isSet && config.hivePartitioning ?? true
            ? HivePartitions.fields(of: set.entries.map(\.relativeDirectories)) : Array(repeating: [], count: set.entries.count)
        return zip(set.entries, partitions).map { entry, partition in
            var fields = partition
            if let name = config.fileNameField { fields.append((name, .string(entry.shown))) }
            if let name = config.modifiedField { fields.append((name, entry.modified.map(Value.timestamp) ?? .null)) }
            return FileDecoration(fields: fields, fileName: set.isSet ? entry.shown : nil)
        }
    }

    public func open() async throws -> any BatchReader {
        let set = try await files()
        let decorations = decorations(for: set)
        return try await MultiFileBatchReader(files: set, expectedBytes: set.totalBytes) { index, entry in
            (try await self.openReader(entry), decorations[index])
        }
    }

    /// CSV and NDJSON (compressed or not) and Parquet are cut into blocks; the other formats
    /// are read by one reader.
    public var splitsIntoBlocks: Bool { options.format == .csv || options.format == .ndjson || options.format == .parquet }

    /// Block-wise reading for CSV and NDJSON (blocks of lines) and Parquet (runs of row
    /// groups); `nil` for the other formats.
    public func openBlocks(blockBytes: Int) async throws -> (any BlockReader)? {
        if options.format == .parquet {
            let set = try await files()
            let decodeOptions = decodeOptions()
            let decorations = decorations(for: set)
            return try await MultiFileBlockReader(files: set, expectedBytes: set.totalBytes) { index, entry in
                (try await self.parquetBlocks(entry, options: decodeOptions, blockBytes: blockBytes), decorations[index])
            }
        }
        guard let text = options.format.textFormat, let splitter = RecordBlockSplitter(format: text, delimiter: options.delimiter) else {
            return nil
        }
        let set = try await files()
        let decodeOptions = decodeOptions()
        let decorations = decorations(for: set)
        return try await MultiFileBlockReader(files: set, expectedBytes: set.totalBytes) { index, entry in
            let stream = try self.openStream(entry, codec: self.options.compression.codec(forName: entry.path))
            let reader = FileBlockReader(
                stream: stream, format: text, options: decodeOptions, splitter: splitter, blockBytes: blockBytes,
                expectedBytes: entry.size, compressed: stream is DecompressingStream)
            return (reader, decorations[index])
        }
    }

    /// One file's reader.
    func openReader(_ entry: FileSet.Entry) async throws -> any BatchReader {
        let codec = options.compression.codec(forName: entry.path)
        if let text = options.format.textFormat {
            let stream = try openStream(entry, codec: codec)
            return StreamBatchReader(stream: stream, decoder: makeDecoder(text, options: decodeOptions()), expectedBytes: entry.size)
        }
        return try await openTypedReader(entry, codec: codec)
    }

    /// The options every decoder of this source gets.
    func decodeOptions() -> DecodeOptions {
        var decodeOptions = DecodeOptions()
        decodeOptions.batchSize = batchSize
        decodeOptions.delimiter = options.delimiter
        decodeOptions.hasHeader = config.header ?? true
        decodeOptions.recordsPath = config.recordsPath
        decodeOptions.fieldTypes = fieldTypes
        decodeOptions.projection = projection
        decodeOptions.invalidUTF8 = config.invalidUtf8 ?? .reject
        decodeOptions.conditions = conditions
        // The engine takes dictionary-encoded text and flattens it wherever a step needs plain text.
        decodeOptions.keepsDictionaryText = true
        return decodeOptions
    }
}

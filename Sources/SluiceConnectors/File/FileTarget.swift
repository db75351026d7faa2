import SluiceCodecs
import SluiceCore
import SluiceFormats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes records to a local file or an object in a store (JSON, NDJSON, CSV, Parquet, Avro
/// or XLSX; text formats maybe compressed as a whole), atomically; or, with `partitionBy`, to
/// one file per partition in Hive-style folders.
///
/// Every write to a local file goes to a temporary file beside the target and is renamed over
/// it on commit, so readers see the old file or the complete new one, never a half-written
/// one — after a failure, an abort or a crash alike. An object is uploaded in parts that
/// become visible only when the upload is completed on commit (``ObjectUploadSink``). Append
/// mode copies the existing file into the new one first: O(existing size), the price of that
/// guarantee. The micro-batches of a continuous job after the first append in place instead
/// (``continuing()``).
public struct FileTarget: Target {
    public static let type = "file"

    /// How the target treats an existing file.
    public enum Mode: String, Decodable, Sendable, CaseIterable {
        /// Replace the file.
        case write
        /// Add records after the existing ones.
        case append

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let raw = try container.decode(String.self)
            guard let mode = Mode(rawValue: raw) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown mode '\(raw)'; expected write or append")
            }
            self = mode
        }
    }

    /// `target.config` of a file target.
    public struct Config: Decodable, Sendable {
        /// Path of the file (with `partitionBy`: the base directory), inside the data roots.
        public var path: String
        /// The format; inferred from the extension when absent.
        public var format: FileFormat?
        /// Whole-file compression for text formats, page or block compression for Parquet and Avro.
        public var compression: FileCompression?
        /// `write` (default) or `append`.
        public var mode: Mode?
        /// CSV field delimiter (one character).
        public var delimiter: String?
        /// Whether CSV or XLSX output starts with a header row (default true).
        public var header: Bool?
        /// Fields whose values name the Hive-style folders the records are written to.
        public var partitionBy: [String]?
        /// Parquet: rows per row group.
        public var rowGroupSize: Int?
        /// Parquet: whether columns are dictionary-encoded (default true).
        public var dictionary: Bool?
        /// XLSX: the sheet's name (default `Sheet1`).
        public var sheet: String?
        /// XLSX: a field whose values split the records into sheets named after them.
        public var sheetField: String?
        /// Object storage settings, for an object address.
        public var storage: ObjectStorageConfig?
    }

    let path: String
    /// The path as configured, for messages.
    let configuredPath: String
    let options: FileFormatOptions
    let config: Config
    let mode: Mode
    let header: Bool
    let roots: DataRoots
    let defaultBatchSize: Int
    /// The job's id, which the temporary file's name carries.
    let jobId: String
    /// Where the temporary file is recorded before it is created.
    let scratch: ScratchLedger
    /// Where the objects go, when `path` is an object address.
    let remote: RemoteObjects?
    /// Whether writes append to the file in place (``continuing()``) rather than through a
    /// temporary file.
    var appendsInPlace = false

    public init(config: Config, context: ComponentContext) throws {
        guard !config.path.isEmpty else { throw SpecError(path: "path", "must not be empty") }
        let partitioned = !(config.partitionBy ?? []).isEmpty
        remote = try RemoteObjects.from(path: config.path, storage: config.storage, context: context)
        if let remote {
            guard FileSet.isGlob(remote.location.key) == false else { throw SpecError(path: "path", "a target cannot be a glob") }
            guard partitioned || (!remote.location.key.isEmpty && !remote.location.key.hasSuffix("/")) else {
                throw SpecError(path: "path", "'\(config.path)' names no object (it ends with '/'); name the object to write")
            }
            self.path = config.path
        } else if partitioned {
            self.path = try context.dataRoots.authorize(config.path)
        } else {
            self.path = try context.dataRoots.authorizeTarget(config.path)
        }
        self.configuredPath = config.path
        if partitioned, config.format == nil {
            throw SpecError(path: "format", "with partitionBy the path is a directory: set format")
        }
        self.options = try FileFormatOptions(
            path: config.path, format: config.format, compression: config.compression, delimiter: config.delimiter)
        self.mode = config.mode ?? .write
        if mode == .append, options.format.textFormat == nil {
            throw SpecError(path: "mode", "\(options.format.rawValue) files cannot be appended to; write a new file, or use partitionBy")
        }
        if mode == .append, options.format == .json, options.compression.codec(forName: config.path) != nil {
            throw SpecError(path: "mode", "a compressed JSON document cannot be appended to; use NDJSON")
        }
        if let fields = config.partitionBy {
            if fields.isEmpty { throw SpecError(path: "partitionBy", "must name at least one field") }
            if Set(fields).count != fields.count { throw SpecError(path: "partitionBy", "names a field twice") }
            if let empty = fields.firstIndex(where: \.isEmpty) { throw SpecError(path: "partitionBy[\(empty)]", "must not be empty") }
        }
        if let rows = config.rowGroupSize {
            guard options.format == .parquet else { throw SpecError(path: "rowGroupSize", "applies to parquet files only") }
            guard (1...10_000_000).contains(rows) else { throw SpecError(path: "rowGroupSize", "expected 1 to 10000000 rows, got \(rows)") }
        }
        if config.dictionary != nil, options.format != .parquet { throw SpecError(path: "dictionary", "applies to parquet files only") }
        if config.sheet != nil || config.sheetField != nil, options.format != .xlsx {
            throw SpecError(path: config.sheet != nil ? "sheet" : "sheetField", "applies to xlsx files only")
        }
        self.config = config
        self.header = config.header ?? true
        self.roots = context.dataRoots
        self.defaultBatchSize = context.batchSize
        self.jobId = context.jobId
        self.scratch = context.scratch
    }

    public var location: String { remote == nil ? "file:\(path)" : path }

    /// NDJSON lines do not depend on each other, so any worker can encode a batch, and the
    /// writer appends the bytes (``FileTargetWriter/writeEncoded(_:rows:)``).
    public var batchEncoder: (@Sendable (RecordBatch) -> [UInt8])? {
        guard options.format == .ndjson, config.partitionBy == nil else { return nil }
        return { batch in
            var bytes: [UInt8] = []
            var encoder = makeEncoder(.ndjson, options: EncodeOptions())
            encoder.encode(batch, into: &bytes)
            return bytes
        }
    }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        if appendsInPlace { return try await openInPlace(batchSize: batchSize) }
        if let remote, let fields = config.partitionBy {
            var base = remote.location.key
            while base.hasSuffix("/") { base.removeLast() }
            return PartitionedFileWriter(target: self, base: base, fields: fields, batchSize: batchSize)
        }
        if let fields = config.partitionBy {
            let real = try roots.authorize(path)
            var info = stat()
            if stat(real, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR {
                throw ConnectorError.io("cannot write partitions under \(DataRoots.describe(real, given: configuredPath)): it is not a directory")
            }
            return PartitionedFileWriter(target: self, base: real, fields: fields, batchSize: batchSize)
        }
        if let remote { return try await openFile(remote.location.key, shown: path, batchSize: batchSize) }
        return try await openFile(path, shown: configuredPath, batchSize: batchSize)
    }

    /// Opens one file's write: a temporary file beside `path`, renamed over it on commit; or,
    /// for an object (`path` is then its key), an upload completed on commit.
    func openFile(_ path: String, shown: String, batchSize: Int?) async throws -> FileTargetWriter {
        if let remote { return try await openObject(path, store: remote.store, batchSize: batchSize) }
        let real = try authorizeLocalFile(path, shown: shown)
        let directory = DataRoots.parent(of: real)
        // Beside the target, inside its data directory, named after the job and recorded
        // first, so whatever ends the job, the file is found and removed.
        let name = real.split(separator: "/").last.map(String.init) ?? "out"
        let temp = "\(directory)/.\(name).sluice-\(Self.fileSafe(jobId))-\(UInt32.random(in: 0...UInt32.max)).tmp"
        try scratch.record(temp, jobId: jobId)
        let fd = Glibc.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ConnectorError.io(
                "cannot write \(DataRoots.describe(real, given: shown)): cannot create '\(temp)': \(String(cString: strerror(errno)))")
        }
        let codec = options.format.textFormat == nil ? nil : options.compression.codec(forName: real)
        let sink = LocalFileSink(fd: fd, tempPath: temp, finalPath: real)
        let writer: FileTargetWriter
        do {
            writer = FileTargetWriter(
                sink: sink, finalPath: real, format: options.format, flushRows: batchSize ?? defaultBatchSize,
                compressor: try codec?.makeCompressor())
        } catch {
            await sink.abort()
            throw ConnectorError.io("cannot write \(DataRoots.describe(real, given: shown)): \(error)")
        }
        try await start(writer, scratchDirectory: directory) { try Self.readLocal(real) }
        return writer
    }

    /// Authorizes the local file `path` again at open (the file system may have changed since
    /// planning) and checks that its directory exists and it is no directory; returns it
    /// resolved.
    func authorizeLocalFile(_ path: String, shown: String) throws -> String {
        let real = try roots.authorizeTarget(path)
        let directory = DataRoots.parent(of: real)
        var info = stat()
        guard stat(directory.isEmpty ? "/" : directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ConnectorError.io("cannot write \(DataRoots.describe(real, given: shown)): directory '\(directory)' does not exist")
        }
        if stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw ConnectorError.io("cannot write \(DataRoots.describe(real, given: shown)): it is a directory, not a file")
        }
        return real
    }

    /// Opens the upload of the object `key`.
    private func openObject(_ key: String, store: any ObjectStore, batchSize: Int?) async throws -> FileTargetWriter {
        let shown = store.url(of: key)
        let codec = options.format.textFormat == nil ? nil : options.compression.codec(forName: key)
        let writer: FileTargetWriter
        do {
            writer = FileTargetWriter(
                sink: ObjectUploadSink(store: store, key: key), finalPath: shown, format: options.format,
                flushRows: batchSize ?? defaultBatchSize, compressor: try codec?.makeCompressor())
        } catch {
            throw ConnectorError.io("cannot write \(shown): \(error)")
        }
        try await start(writer, scratchDirectory: FileTarget.objectScratchDirectory) {
            guard let object = try await store.info(key) else { return [] }
            return try await ObjectRangeFetch(store: store, key: key, size: object.size, version: object.etag).whole()
        }
        return writer
    }

    /// Where an object target's XLSX writer keeps its temporary sheets.
    static let objectScratchDirectory = "/tmp"

    /// Writes the format's start, after the existing content in append mode (`existing` reads
    /// it); a failure aborts the write.
    private func start(_ writer: FileTargetWriter, scratchDirectory: String, existing: () async throws -> [UInt8]) async throws {
        do {
            if options.format.textFormat != nil {
                let bytes = mode == .append ? try await existing() : []
                try await writer.start(existing: bytes, delimiter: options.delimiter, header: header)
            } else {
                writer.start { declared in try makeTypedEncoder(declared: declared, scratchDirectory: scratchDirectory) }
            }
        } catch {
            await writer.abort()
            throw error
        }
    }

    /// The bytes of the local file `path` (empty when there is none), for append mode.
    static func readLocal(_ path: String) throws -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return [] }
            throw ConnectorError.io("cannot read '\(path)' to append: \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConnectorError.io("cannot read '\(path)' to append: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// `id` with every character a file name should not hold replaced by `_`.
    static func fileSafe(_ id: String) -> String {
        String(id.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }
}

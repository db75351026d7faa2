import SluiceCore
import SluiceFormats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes JSON, NDJSON or CSV to a local file, atomically.
///
/// Every write goes to a temporary file beside the target and is renamed over it on commit,
/// so readers see the old file or the complete new one, never a half-written one — after a
/// failure, an abort or a crash alike. Append mode copies the existing file into the
/// temporary file first: O(existing size), the price of that guarantee.
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
        /// Path of the file, inside the data roots.
        public var path: String
        /// `json`, `ndjson` or `csv`; inferred from the extension when absent.
        public var format: DataFormat?
        /// `write` (default) or `append`.
        public var mode: Mode?
        /// CSV field delimiter (one character).
        public var delimiter: String?
        /// Whether CSV output starts with a header row (default true).
        public var header: Bool?
    }

    let path: String
    /// The path as configured, for messages.
    let configuredPath: String
    let options: FileFormatOptions
    let mode: Mode
    let header: Bool
    let roots: DataRoots
    let defaultBatchSize: Int
    /// The job's id, which the temporary file's name carries.
    let jobId: String
    /// Where the temporary file is recorded before it is created.
    let scratch: ScratchLedger

    public init(config: Config, context: ComponentContext) throws {
        guard !config.path.isEmpty else { throw SpecError(path: "path", "must not be empty") }
        self.path = try context.dataRoots.authorizeTarget(config.path)
        self.configuredPath = config.path
        self.options = try FileFormatOptions(path: config.path, format: config.format, delimiter: config.delimiter)
        self.mode = config.mode ?? .write
        self.header = config.header ?? true
        self.roots = context.dataRoots
        self.defaultBatchSize = context.batchSize
        self.jobId = context.jobId
        self.scratch = context.scratch
    }

    public var location: String { "file:\(path)" }

    /// NDJSON lines do not depend on each other, so any worker can encode a batch, and the
    /// writer appends the bytes (``FileTargetWriter/writeEncoded(_:rows:)``).
    public var batchEncoder: (@Sendable (RecordBatch) -> [UInt8])? {
        guard options.format == .ndjson else { return nil }
        return { batch in
            var bytes: [UInt8] = []
            var encoder = makeEncoder(.ndjson, options: EncodeOptions())
            encoder.encode(batch, into: &bytes)
            return bytes
        }
    }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        // Checked again at open: the file system may have changed since planning.
        let real = try roots.authorizeTarget(path)
        let directory = DataRoots.parent(of: real)
        var info = stat()
        guard stat(directory.isEmpty ? "/" : directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ConnectorError.io("cannot write \(DataRoots.describe(real, given: configuredPath)): directory '\(directory)' does not exist")
        }
        if stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw ConnectorError.io("cannot write \(DataRoots.describe(real, given: configuredPath)): it is a directory, not a file")
        }
        // Beside the target, inside its data directory, named after the job and recorded
        // first, so whatever ends the job, the file is found and removed.
        let name = real.split(separator: "/").last.map(String.init) ?? "out"
        let temp = "\(directory)/.\(name).sluice-\(Self.fileSafe(jobId))-\(UInt32.random(in: 0...UInt32.max)).tmp"
        try scratch.record(temp, jobId: jobId)
        let fd = Glibc.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ConnectorError.io(
                "cannot write \(DataRoots.describe(real, given: configuredPath)): cannot create '\(temp)': \(String(cString: strerror(errno)))")
        }
        let writer = FileTargetWriter(
            fd: fd, tempPath: temp, finalPath: real, format: options.format,
            flushRows: batchSize ?? defaultBatchSize)
        do {
            try writer.start(mode: mode, delimiter: options.delimiter, header: header)
        } catch {
            await writer.abort()
            throw error
        }
        return writer
    }

    /// `id` with every character a file name should not hold replaced by `_`.
    static func fileSafe(_ id: String) -> String {
        String(id.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }
}

import SluiceCodecs
import SluiceFormats

/// Every format a file source reads and a file target writes.
public enum FileFormat: String, Decodable, Sendable, CaseIterable {
    case json, ndjson, csv, parquet, avro, xlsx

    /// The text format it is, for the formats read as a byte stream of text.
    public var textFormat: DataFormat? {
        switch self {
        case .json: return .json
        case .ndjson: return .ndjson
        case .csv: return .csv
        case .parquet, .avro, .xlsx: return nil
        }
    }

    /// Whether the format is read through random access (a footer or a zip directory at the
    /// end), so it cannot sit inside a `.gz` or `.zst` stream.
    public var needsRandomAccess: Bool { self == .parquet || self == .xlsx }

    /// The usual extension, with its dot.
    public var fileExtension: String { ".\(rawValue)" }

    /// The format and compression a file name's extensions stand for: `orders.csv.gz` →
    /// (csv, gzip). `nil` format when the extension is not one Sluice knows.
    public static func infer(fromName path: String) -> (format: FileFormat?, compression: StreamCodec?) {
        var name = path.lowercased()
        if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        let compression = StreamCodec(fileExtensionOf: name)
        if let compression { name.removeLast(compression.fileExtension.count) }
        guard let dot = name.lastIndex(of: ".") else { return (nil, compression) }
        let format: FileFormat?
        switch name[name.index(after: dot)...] {
        case "json": format = .json
        case "ndjson", "jsonl": format = .ndjson
        case "csv", "tsv": format = .csv
        case "parquet", "pq": format = .parquet
        case "avro": format = .avro
        case "xlsx", "xlsm": format = .xlsx
        default: format = nil
        }
        return (format, compression)
    }
}

/// How a file is compressed. For the text formats, the whole file as a stream: `auto` goes
/// by the extension (`.gz`, `.zst`, `.bz2`). Parquet compresses each page (`snappy` by
/// default, `gzip`, `zstd` or `none`) and Avro each block (`none` by default, `deflate`,
/// `snappy`, `zstd`); XLSX files are zip archives and take only `auto`.
public enum FileCompression: String, Decodable, Sendable, CaseIterable {
    case auto, none, gzip, zstd, bzip2, snappy, deflate

    /// The codec for a file named `path`: the configured one, or for `auto` its extension's.
    func codec(forName path: String) -> StreamCodec? {
        switch self {
        case .auto: return StreamCodec(fileExtensionOf: path)
        case .none: return nil
        case .gzip: return .gzip
        case .zstd: return .zstd
        case .bzip2: return .bzip2
        case .snappy, .deflate: return nil
        }
    }
}

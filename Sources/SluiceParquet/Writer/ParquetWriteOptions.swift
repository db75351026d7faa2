import SluiceCodecs
import SluiceCore

/// How ``ParquetEncoder`` lays out a file.
public struct ParquetWriteOptions: Sendable {
    /// The codec applied to every page.
    public enum Compression: String, Sendable, CaseIterable {
        case none
        case snappy
        case gzip
        case zstd

        /// The footer's name for the codec.
        var parquetCodec: ParquetCompression {
            switch self {
            case .none: return .uncompressed
            case .snappy: return .snappy
            case .gzip: return .gzip
            case .zstd: return .zstd
            }
        }

        /// The block codec that compresses pages, `nil` for none.
        var blockCodec: BlockCodec? {
            switch self {
            case .none: return nil
            case .snappy: return .snappy
            case .gzip: return .gzip
            case .zstd: return .zstd
            }
        }
    }

    /// DuckDB's row group size, the default of ``rowGroupSize``.
    public static let defaultRowGroupSize = 122_880
    /// The default of ``rowGroupByteLimit``: 64 MiB of buffered batch storage.
    public static let defaultRowGroupByteLimit = 64 << 20
    /// The default of ``pageSize``: 1 MiB of encoded values, as pyarrow.
    public static let defaultPageSize = 1 << 20
    /// The default of ``dictionaryPageSizeLimit``: 1 MiB, pyarrow's dictionary page limit.
    public static let defaultDictionaryPageSizeLimit = 1 << 20

    /// The most rows in one row group.
    public var rowGroupSize: Int
    /// A row group also ends once the buffered batches hold about this many bytes
    /// (``RecordBatch/estimatedBytes``), so wide rows do not make a huge group.
    public var rowGroupByteLimit: Int
    /// The encoded size a data page aims for.
    public var pageSize: Int
    /// The codec of every page (snappy by default).
    public var compression: Compression
    /// The codec level for gzip (1–9) and zstd (1–22); `nil` takes the codec's default.
    /// Ignored by the other codecs.
    public var level: Int?
    /// Whether column chunks may be dictionary-encoded.
    public var dictionary: Bool
    /// A column chunk's dictionary is given up (the chunk is written PLAIN) when its PLAIN
    /// encoding would pass this many bytes.
    public var dictionaryPageSizeLimit: Int
    /// The types the source declared, by field name: a field with one keeps that type (a
    /// `decimal(12,2)` is written as one) instead of a type inferred from its values.
    public var fieldSchemas: [String: FieldSchema]

    public init(
        rowGroupSize: Int = ParquetWriteOptions.defaultRowGroupSize,
        rowGroupByteLimit: Int = ParquetWriteOptions.defaultRowGroupByteLimit,
        pageSize: Int = ParquetWriteOptions.defaultPageSize,
        compression: Compression = .snappy,
        level: Int? = nil,
        dictionary: Bool = true,
        dictionaryPageSizeLimit: Int = ParquetWriteOptions.defaultDictionaryPageSizeLimit,
        fieldSchemas: [String: FieldSchema] = [:]
    ) {
        self.rowGroupSize = rowGroupSize
        self.rowGroupByteLimit = rowGroupByteLimit
        self.pageSize = pageSize
        self.compression = compression
        self.level = level
        self.dictionary = dictionary
        self.dictionaryPageSizeLimit = dictionaryPageSizeLimit
        self.fieldSchemas = fieldSchemas
    }
}

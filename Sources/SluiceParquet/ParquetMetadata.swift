/// Parquet's file metadata, as the format's Thrift definition (`parquet.thrift`) lays it out.
/// The reader decodes these from the footer and page headers with the Thrift compact protocol;
/// the writer encodes them. Field comments give the Thrift field ids.
///
/// Enumerations are open (a raw `Int32` with named constants) so a file from a newer writer
/// decodes, and only a value actually used and not understood is refused.

/// A physical type (`Type`).
public struct ParquetPhysicalType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let boolean = Self(rawValue: 0)
    public static let int32 = Self(rawValue: 1)
    public static let int64 = Self(rawValue: 2)
    public static let int96 = Self(rawValue: 3)
    public static let float = Self(rawValue: 4)
    public static let double = Self(rawValue: 5)
    public static let byteArray = Self(rawValue: 6)
    public static let fixedLenByteArray = Self(rawValue: 7)
}

/// The legacy type annotation (`ConvertedType`).
public struct ParquetConvertedType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let utf8 = Self(rawValue: 0)
    public static let map = Self(rawValue: 1)
    public static let mapKeyValue = Self(rawValue: 2)
    public static let list = Self(rawValue: 3)
    public static let enumeration = Self(rawValue: 4)
    public static let decimal = Self(rawValue: 5)
    public static let date = Self(rawValue: 6)
    public static let timeMillis = Self(rawValue: 7)
    public static let timeMicros = Self(rawValue: 8)
    public static let timestampMillis = Self(rawValue: 9)
    public static let timestampMicros = Self(rawValue: 10)
    public static let uint8 = Self(rawValue: 11)
    public static let uint16 = Self(rawValue: 12)
    public static let uint32 = Self(rawValue: 13)
    public static let uint64 = Self(rawValue: 14)
    public static let int8 = Self(rawValue: 15)
    public static let int16 = Self(rawValue: 16)
    public static let int32 = Self(rawValue: 17)
    public static let int64 = Self(rawValue: 18)
    public static let json = Self(rawValue: 19)
    public static let bson = Self(rawValue: 20)
    public static let interval = Self(rawValue: 21)
}

/// `FieldRepetitionType`.
public struct ParquetRepetition: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let required = Self(rawValue: 0)
    public static let optional = Self(rawValue: 1)
    public static let repeated = Self(rawValue: 2)
}

/// `Encoding`.
public struct ParquetEncoding: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let plain = Self(rawValue: 0)
    public static let plainDictionary = Self(rawValue: 2)
    public static let rle = Self(rawValue: 3)
    public static let bitPacked = Self(rawValue: 4)
    public static let deltaBinaryPacked = Self(rawValue: 5)
    public static let deltaLengthByteArray = Self(rawValue: 6)
    public static let deltaByteArray = Self(rawValue: 7)
    public static let rleDictionary = Self(rawValue: 8)
    public static let byteStreamSplit = Self(rawValue: 9)
}

/// `CompressionCodec`.
public struct ParquetCompression: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let uncompressed = Self(rawValue: 0)
    public static let snappy = Self(rawValue: 1)
    public static let gzip = Self(rawValue: 2)
    public static let lzo = Self(rawValue: 3)
    public static let brotli = Self(rawValue: 4)
    public static let lz4 = Self(rawValue: 5)
    public static let zstd = Self(rawValue: 6)
    public static let lz4Raw = Self(rawValue: 7)
}

/// `PageType`.
public struct ParquetPageType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let dataPage = Self(rawValue: 0)
    public static let indexPage = Self(rawValue: 1)
    public static let dictionaryPage = Self(rawValue: 2)
    public static let dataPageV2 = Self(rawValue: 3)
}

/// The unit of a `TIME` or `TIMESTAMP` logical type (`TimeUnit` union: 1 millis, 2 micros,
/// 3 nanos).
public enum ParquetTimeUnit: Int16, Hashable, Sendable {
    case millis = 1, micros = 2, nanos = 3
}

/// The logical type annotation (`LogicalType` union; the field id of each case in brackets).
public enum ParquetLogicalType: Hashable, Sendable {
    case string  // 1
    case map  // 2
    case list  // 3
    case enumeration  // 4
    case decimal(scale: Int32, precision: Int32)  // 5: DecimalType {1: scale, 2: precision}
    case date  // 6
    case time(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)  // 7: TimeType {1, 2}
    case timestamp(isAdjustedToUTC: Bool, unit: ParquetTimeUnit)  // 8: TimestampType {1, 2}
    case integer(bitWidth: Int8, isSigned: Bool)  // 10: IntType {1: bitWidth, 2: isSigned}
    case unknown  // 11: NullType
    case json  // 12
    case bson  // 13
    case uuid  // 14
    case float16  // 15
    /// A union member this code does not know (its field id).
    case other(fieldId: Int16)
}

/// `Statistics` of a column chunk or a page. Values are in the column's PLAIN encoding
/// (without the length prefix for byte arrays).
public struct ParquetStatistics: Hashable, Sendable {
    public var max: [UInt8]?  // 1 (deprecated: signed byte order)
    public var min: [UInt8]?  // 2 (deprecated)
    public var nullCount: Int64?  // 3
    public var distinctCount: Int64?  // 4
    public var maxValue: [UInt8]?  // 5
    public var minValue: [UInt8]?  // 6
    public var isMaxValueExact: Bool?  // 7
    public var isMinValueExact: Bool?  // 8

    public init() {}
}

/// One node of the flattened schema tree (`SchemaElement`); the first is the root.
public struct ParquetSchemaElement: Hashable, Sendable {
    public var type: ParquetPhysicalType?  // 1 (absent for groups)
    public var typeLength: Int32?  // 2
    public var repetition: ParquetRepetition?  // 3
    public var name: String  // 4 (required)
    public var numChildren: Int32?  // 5
    public var convertedType: ParquetConvertedType?  // 6
    public var scale: Int32?  // 7
    public var precision: Int32?  // 8
    public var fieldId: Int32?  // 9
    public var logicalType: ParquetLogicalType?  // 10

    public init(name: String) { self.name = name }
}

/// `DataPageHeader` (page version 1).
public struct ParquetDataPageHeader: Hashable, Sendable {
    public var numValues: Int32 = 0  // 1
    public var encoding: ParquetEncoding = .plain  // 2
    public var definitionLevelEncoding: ParquetEncoding = .rle  // 3
    public var repetitionLevelEncoding: ParquetEncoding = .rle  // 4
    public var statistics: ParquetStatistics?  // 5

    public init() {}
}

/// `DictionaryPageHeader`.
public struct ParquetDictionaryPageHeader: Hashable, Sendable {
    public var numValues: Int32 = 0  // 1
    public var encoding: ParquetEncoding = .plain  // 2
    public var isSorted: Bool?  // 3

    public init() {}
}

/// `DataPageHeaderV2`: levels are stored uncompressed before the (maybe compressed) values.
public struct ParquetDataPageHeaderV2: Hashable, Sendable {
    public var numValues: Int32 = 0  // 1
    public var numNulls: Int32 = 0  // 2
    public var numRows: Int32 = 0  // 3
    public var encoding: ParquetEncoding = .plain  // 4
    public var definitionLevelsByteLength: Int32 = 0  // 5
    public var repetitionLevelsByteLength: Int32 = 0  // 6
    public var isCompressed: Bool = true  // 7 (default true)
    public var statistics: ParquetStatistics?  // 8

    public init() {}
}

/// `PageHeader`.
public struct ParquetPageHeader: Hashable, Sendable {
    public var type: ParquetPageType = .dataPage  // 1
    public var uncompressedPageSize: Int32 = 0  // 2
    public var compressedPageSize: Int32 = 0  // 3
    public var crc: Int32?  // 4
    public var dataPageHeader: ParquetDataPageHeader?  // 5
    // 6: index_page_header (an empty struct, skipped)
    public var dictionaryPageHeader: ParquetDictionaryPageHeader?  // 7
    public var dataPageHeaderV2: ParquetDataPageHeaderV2?  // 8

    public init() {}
}

/// `KeyValue` metadata.
public struct ParquetKeyValue: Hashable, Sendable {
    public var key: String  // 1
    public var value: String?  // 2

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }
}

/// `ColumnMetaData` of one column chunk.
public struct ParquetColumnMetaData: Hashable, Sendable {
    public var type: ParquetPhysicalType = .int32  // 1
    public var encodings: [ParquetEncoding] = []  // 2
    public var pathInSchema: [String] = []  // 3
    public var codec: ParquetCompression = .uncompressed  // 4
    public var numValues: Int64 = 0  // 5
    public var totalUncompressedSize: Int64 = 0  // 6
    public var totalCompressedSize: Int64 = 0  // 7
    public var keyValueMetadata: [ParquetKeyValue]?  // 8
    public var dataPageOffset: Int64 = 0  // 9
    public var indexPageOffset: Int64?  // 10
    public var dictionaryPageOffset: Int64?  // 11
    public var statistics: ParquetStatistics?  // 12
    // 13 encoding_stats, 14 bloom_filter_offset, 15 bloom_filter_length, 16 size_statistics,
    // 17 geospatial_statistics: skipped on read, not written.

    public init() {}
}

/// `ColumnChunk`.
public struct ParquetColumnChunk: Hashable, Sendable {
    public var filePath: String?  // 1 (a chunk in another file: refused)
    public var fileOffset: Int64 = 0  // 2
    public var metaData: ParquetColumnMetaData?  // 3
    // 4–9 (page indexes, encryption): skipped on read, not written.

    public init() {}
}

/// `RowGroup`.
public struct ParquetRowGroup: Hashable, Sendable {
    public var columns: [ParquetColumnChunk] = []  // 1
    public var totalByteSize: Int64 = 0  // 2
    public var numRows: Int64 = 0  // 3
    // 4 sorting_columns: skipped
    public var fileOffset: Int64?  // 5
    public var totalCompressedSize: Int64?  // 6
    public var ordinal: Int16?  // 7

    public init() {}
}

/// `FileMetaData`: the footer.
public struct ParquetFileMetaData: Hashable, Sendable {
    public var version: Int32 = 1  // 1
    public var schema: [ParquetSchemaElement] = []  // 2
    public var numRows: Int64 = 0  // 3
    public var rowGroups: [ParquetRowGroup] = []  // 4
    public var keyValueMetadata: [ParquetKeyValue]?  // 5
    public var createdBy: String?  // 6
    /// 7: `column_orders`; true for each column whose order is TYPE_ORDER (the only one
    /// defined), so min_value/max_value statistics may be used.
    public var columnOrdersAreTypeDefined: [Bool]?

    public init() {}
}

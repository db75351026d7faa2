// Written from scratch for Sluice from the field ids of parquet.thrift (apache/parquet-format).

/// Decoding of the footer and page headers from the Thrift compact protocol. Unknown fields
/// are skipped; a known field with the wrong type, a missing required field or any damage
/// is a `FormatError` naming the byte.
extension ParquetFileMetaData {
    /// Reads `FileMetaData`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var sawSchema = false
        var sawRowGroups = false
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.version = try r.readI32(type)
            case 2:
                self.schema = try r.readStructList(type) { try ParquetSchemaElement(thrift: &$0) }
                sawSchema = true
            case 3: self.numRows = try r.readI64(type)
            case 4:
                self.rowGroups = try r.readStructList(type) { try ParquetRowGroup(thrift: &$0) }
                sawRowGroups = true
            case 5: self.keyValueMetadata = try r.readStructList(type) { try ParquetKeyValue(thrift: &$0) }
            case 6: self.createdBy = try r.readString(type)
            case 7: self.columnOrdersAreTypeDefined = try r.readStructList(type) { try Self.readColumnOrder(&$0) }
            case 8: throw r.error("the file's columns are encrypted (encryption_algorithm is set), which is not supported")
            default: try r.skip(type)
            }
        }
        guard sawSchema else { throw r.error("the footer has no schema") }
        guard sawRowGroups else { throw r.error("the footer has no row group list") }
    }

    /// A `ColumnOrder` union: true for `TYPE_ORDER` (field 1).
    private static func readColumnOrder(_ r: inout ThriftCompactReader) throws -> Bool {
        var typeOrder = false
        try r.readStruct { r, id, type in
            if id == 1, type == .structure { typeOrder = true }
            try r.skip(type)
        }
        return typeOrder
    }
}

extension ParquetSchemaElement {
    /// Reads `SchemaElement`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init(name: "")
        var sawName = false
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.type = ParquetPhysicalType(rawValue: try r.readI32(type))
            case 2: self.typeLength = try r.readI32(type)
            case 3: self.repetition = ParquetRepetition(rawValue: try r.readI32(type))
            case 4:
                self.name = try r.readString(type)
                sawName = true
            case 5: self.numChildren = try r.readI32(type)
            case 6: self.convertedType = ParquetConvertedType(rawValue: try r.readI32(type))
            case 7: self.scale = try r.readI32(type)
            case 8: self.precision = try r.readI32(type)
            case 9: self.fieldId = try r.readI32(type)
            case 10:
                guard type == .structure else { throw r.error("expected a logical type struct, found \(type.name)") }
                self.logicalType = try ParquetLogicalType(thrift: &r)
            default: try r.skip(type)
            }
        }
        guard sawName else { throw r.error("a schema element has no name") }
    }
}

extension ParquetLogicalType {
    /// Reads the `LogicalType` union; `nil` when it names no member.
    init?(thrift r: inout ThriftCompactReader) throws {
        var result: ParquetLogicalType?
        try r.readStruct { r, id, type in
            guard result == nil, type == .structure else { return try r.skip(type) }
            switch id {
            case 1: result = .string
            case 2: result = .map
            case 3: result = .list
            case 4: result = .enumeration
            case 5:
                var scale: Int32 = 0
                var precision: Int32?
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: scale = try r.readI32(type)
                    case 2: precision = try r.readI32(type)
                    default: try r.skip(type)
                    }
                }
                guard let precision else { throw r.error("a decimal logical type has no precision") }
                return result = .decimal(scale: scale, precision: precision)
            case 6: result = .date
            case 7, 8:
                var utc = false
                var unit: ParquetTimeUnit?
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: utc = try r.readBool(type)
                    case 2:
                        guard type == .structure else { throw r.error("expected a time unit struct, found \(type.name)") }
                        unit = try Self.readTimeUnit(&r)
                    default: try r.skip(type)
                    }
                }
                guard let unit else { throw r.error("a time or timestamp logical type has no known unit") }
                return result = id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
            case 10:
                var bitWidth: Int8 = 0
                var signed = true
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: bitWidth = try r.readI8(type)
                    case 2: signed = try r.readBool(type)
                    default: try r.skip(type)
                    }
                }
                return result = .integer(bitWidth: bitWidth, isSigned: signed)
            case 11: result = .unknown
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            default: result = .other(fieldId: id)
            }
            try r.skip(type)
        }
        guard let result else { return nil }
        self = result
    }

    /// Reads the `TimeUnit` union; `nil` for a unit this code does not know.
    private static func readTimeUnit(_ r: inout ThriftCompactReader) throws -> ParquetTimeUnit? {
        var unit: ParquetTimeUnit?
        try r.readStruct { r, id, type in
            if unit == nil, type == .structure { unit = ParquetTimeUnit(rawValue: id) }
            try r.skip(type)
        }
        return unit
    }
}

extension ParquetKeyValue {
    /// Reads `KeyValue`.
    init(thrift r: inout ThriftCompactReader) throws {
        var key: String?
        var value: String?
        try r.readStruct { r, id, type in
            switch id {
            case 1: key = try r.readString(type)
            case 2: value = try r.readString(type)
            default: try r.skip(type)
            }
        }
        guard let key else { throw r.error("a key-value pair has no key") }
        self.init(key: key, value: value)
    }
}

extension ParquetRowGroup {
    /// Reads `RowGroup`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.columns = try r.readStructList(type) { try ParquetColumnChunk(thrift: &$0) }
            case 2: self.totalByteSize = try r.readI64(type)
            case 3: self.numRows = try r.readI64(type)
            case 5: self.fileOffset = try r.readI64(type)
            case 6: self.totalCompressedSize = try r.readI64(type)
            case 7: self.ordinal = try r.readI16(type)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetColumnChunk {
    /// Reads `ColumnChunk`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.filePath = try r.readString(type)
            case 2: self.fileOffset = try r.readI64(type)
            case 3:
                guard type == .structure else { throw r.error("expected column metadata, found \(type.name)") }
                self.metaData = try ParquetColumnMetaData(thrift: &r)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetColumnMetaData {
    /// Reads `ColumnMetaData`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.type = ParquetPhysicalType(rawValue: try r.readI32(type))
            case 2: self.encodings = try r.readI32List(type).map { ParquetEncoding(rawValue: $0) }
            case 3: self.pathInSchema = try r.readStringList(type)
            case 4: self.codec = ParquetCompression(rawValue: try r.readI32(type))
            case 5: self.numValues = try r.readI64(type)
            case 6: self.totalUncompressedSize = try r.readI64(type)
            case 7: self.totalCompressedSize = try r.readI64(type)
            case 8: self.keyValueMetadata = try r.readStructList(type) { try ParquetKeyValue(thrift: &$0) }
            case 9: self.dataPageOffset = try r.readI64(type)
            case 10: self.indexPageOffset = try r.readI64(type)
            case 11: self.dictionaryPageOffset = try r.readI64(type)
            case 12:
                guard type == .structure else { throw r.error("expected statistics, found \(type.name)") }
                self.statistics = try ParquetStatistics(thrift: &r)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetStatistics {
    /// Reads `Statistics`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.max = try r.readBinary(type)
            case 2: self.min = try r.readBinary(type)
            case 3: self.nullCount = try r.readI64(type)
            case 4: self.distinctCount = try r.readI64(type)
            case 5: self.maxValue = try r.readBinary(type)
            case 6: self.minValue = try r.readBinary(type)
            case 7: self.isMaxValueExact = try r.readBool(type)
            case 8: self.isMinValueExact = try r.readBool(type)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetPageHeader {
    /// Reads `PageHeader`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        var sawType = false
        var sawSizes = (false, false)
        try r.readStruct { r, id, type in
            switch id {
            case 1:
                self.type = ParquetPageType(rawValue: try r.readI32(type))
                sawType = true
            case 2:
                self.uncompressedPageSize = try r.readI32(type)
                sawSizes.0 = true
            case 3:
                self.compressedPageSize = try r.readI32(type)
                sawSizes.1 = true
            case 4: self.crc = try r.readI32(type)
            case 5:
                guard type == .structure else { throw r.error("expected a data page header, found \(type.name)") }
                self.dataPageHeader = try ParquetDataPageHeader(thrift: &r)
            case 7:
                guard type == .structure else { throw r.error("expected a dictionary page header, found \(type.name)") }
                self.dictionaryPageHeader = try ParquetDictionaryPageHeader(thrift: &r)
            case 8:
                guard type == .structure else { throw r.error("expected a data page v2 header, found \(type.name)") }
                self.dataPageHeaderV2 = try ParquetDataPageHeaderV2(thrift: &r)
            default: try r.skip(type)
            }
        }
        guard sawType, sawSizes.0, sawSizes.1 else { throw r.error("a page header lacks its type or sizes") }
        guard uncompressedPageSize >= 0, compressedPageSize >= 0 else {
            throw r.error("a page header has a negative size (\(uncompressedPageSize), \(compressedPageSize))")
        }
    }
}

extension ParquetDataPageHeader {
    /// Reads `DataPageHeader`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.numValues = try r.readI32(type)
            case 2: self.encoding = ParquetEncoding(rawValue: try r.readI32(type))
            case 3: self.definitionLevelEncoding = ParquetEncoding(rawValue: try r.readI32(type))
            case 4: self.repetitionLevelEncoding = ParquetEncoding(rawValue: try r.readI32(type))
            case 5:
                guard type == .structure else { throw r.error("expected statistics, found \(type.name)") }
                self.statistics = try ParquetStatistics(thrift: &r)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetDictionaryPageHeader {
    /// Reads `DictionaryPageHeader`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.numValues = try r.readI32(type)
            case 2: self.encoding = ParquetEncoding(rawValue: try r.readI32(type))
            case 3: self.isSorted = try r.readBool(type)
            default: try r.skip(type)
            }
        }
    }
}

extension ParquetDataPageHeaderV2 {
    /// Reads `DataPageHeaderV2`.
    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, id, type in
            switch id {
            case 1: self.numValues = try r.readI32(type)
            case 2: self.numNulls = try r.readI32(type)
            case 3: self.numRows = try r.readI32(type)
            case 4: self.encoding = ParquetEncoding(rawValue: try r.readI32(type))
            case 5: self.definitionLevelsByteLength = try r.readI32(type)
            case 6: self.repetitionLevelsByteLength = try r.readI32(type)
            case 7: self.isCompressed = try r.readBool(type)
            case 8:
                guard type == .structure else { throw r.error("expected statistics, found \(type.name)") }
                self.statistics = try ParquetStatistics(thrift: &r)
            default: try r.skip(type)
            }
        }
    }
}

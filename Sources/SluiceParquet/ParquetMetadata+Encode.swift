// The Thrift compact encoding of Parquet's metadata, written from scratch for Sluice from
// the field ids in parquet.thrift (apache/parquet-format).

extension ParquetFileMetaData {
    /// The footer's bytes (without the length and magic that follow it in a file).
    func encoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        write(to: &writer)
        return writer.bytes
    }

    func write(to w: inout ThriftCompactWriter) {
        w.i32Field(1, version)
        w.fieldBegin(2, .list)
        w.listBegin(.structure, count: schema.count)
        for element in schema { element.writeStruct(to: &w) }
        w.i64Field(3, numRows)
        w.fieldBegin(4, .list)
        w.listBegin(.structure, count: rowGroups.count)
        for group in rowGroups { group.writeStruct(to: &w) }
        if let keyValueMetadata { writeKeyValues(keyValueMetadata, field: 5, to: &w) }
        if let createdBy { w.stringField(6, createdBy) }
        if let columnOrdersAreTypeDefined {
            w.fieldBegin(7, .list)
            w.listBegin(.structure, count: columnOrdersAreTypeDefined.count)
            for typeDefined in columnOrdersAreTypeDefined {
                // ColumnOrder is a union whose only member, TYPE_ORDER (1), is an empty struct;
                // an empty union means an order this file does not define.
                w.structBegin()
                if typeDefined { w.emptyStructField(1) }
                w.structEnd()
            }
        }
        w.structEnd()
    }
}

extension ParquetPageHeader {
    /// The header's bytes, as they precede the page's data in a column chunk.
    func encoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        write(to: &writer)
        return writer.bytes
    }

    func write(to w: inout ThriftCompactWriter) {
        w.i32Field(1, type.rawValue)
        w.i32Field(2, uncompressedPageSize)
        w.i32Field(3, compressedPageSize)
        if let crc { w.i32Field(4, crc) }
        if let dataPageHeader {
            w.fieldBegin(5, .structure)
            dataPageHeader.writeStruct(to: &w)
        }
        if let dictionaryPageHeader {
            w.fieldBegin(7, .structure)
            dictionaryPageHeader.writeStruct(to: &w)
        }
        if let dataPageHeaderV2 {
            w.fieldBegin(8, .structure)
            dataPageHeaderV2.writeStruct(to: &w)
        }
        w.structEnd()
    }
}

extension ParquetDataPageHeader {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        w.i32Field(1, numValues)
        w.i32Field(2, encoding.rawValue)
        w.i32Field(3, definitionLevelEncoding.rawValue)
        w.i32Field(4, repetitionLevelEncoding.rawValue)
        if let statistics {
            w.fieldBegin(5, .structure)
            statistics.writeStruct(to: &w)
        }
        w.structEnd()
    }
}

extension ParquetDictionaryPageHeader {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        w.i32Field(1, numValues)
        w.i32Field(2, encoding.rawValue)
        if let isSorted { w.boolField(3, isSorted) }
        w.structEnd()
    }
}

extension ParquetDataPageHeaderV2 {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        w.i32Field(1, numValues)
        w.i32Field(2, numNulls)
        w.i32Field(3, numRows)
        w.i32Field(4, encoding.rawValue)
        w.i32Field(5, definitionLevelsByteLength)
        w.i32Field(6, repetitionLevelsByteLength)
        w.boolField(7, isCompressed)
        if let statistics {
            w.fieldBegin(8, .structure)
            statistics.writeStruct(to: &w)
        }
        w.structEnd()
    }
}

extension ParquetStatistics {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        if let max { w.binaryField(1, max) }
        if let min { w.binaryField(2, min) }
        if let nullCount { w.i64Field(3, nullCount) }
        if let distinctCount { w.i64Field(4, distinctCount) }
        if let maxValue { w.binaryField(5, maxValue) }
        if let minValue { w.binaryField(6, minValue) }
        if let isMaxValueExact { w.boolField(7, isMaxValueExact) }
        if let isMinValueExact { w.boolField(8, isMinValueExact) }
        w.structEnd()
    }
}

extension ParquetSchemaElement {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        if let type { w.i32Field(1, type.rawValue) }
        if let typeLength { w.i32Field(2, typeLength) }
        if let repetition { w.i32Field(3, repetition.rawValue) }
        w.stringField(4, name)
        if let numChildren { w.i32Field(5, numChildren) }
        if let convertedType { w.i32Field(6, convertedType.rawValue) }
        if let scale { w.i32Field(7, scale) }
        if let precision { w.i32Field(8, precision) }
        if let fieldId { w.i32Field(9, fieldId) }
        if let logicalType {
            w.fieldBegin(10, .structure)
            logicalType.writeStruct(to: &w)
        }
        w.structEnd()
    }
}

extension ParquetLogicalType {
    /// The `LogicalType` union: one member, by field id.
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        switch self {
        case .string: w.emptyStructField(1)
        case .map: w.emptyStructField(2)
        case .list: w.emptyStructField(3)
        case .enumeration: w.emptyStructField(4)
        case .decimal(let scale, let precision):
            w.fieldBegin(5, .structure)
            w.structBegin()
            w.i32Field(1, scale)
            w.i32Field(2, precision)
            w.structEnd()
        case .date: w.emptyStructField(6)
        case .time(let isAdjustedToUTC, let unit):
            w.fieldBegin(7, .structure)
            Self.writeTimeStruct(isAdjustedToUTC: isAdjustedToUTC, unit: unit, to: &w)
        case .timestamp(let isAdjustedToUTC, let unit):
            w.fieldBegin(8, .structure)
            Self.writeTimeStruct(isAdjustedToUTC: isAdjustedToUTC, unit: unit, to: &w)
        case .integer(let bitWidth, let isSigned):
            w.fieldBegin(10, .structure)
            w.structBegin()
            w.fieldBegin(1, .byte)
            w.bytes.append(UInt8(bitPattern: bitWidth))
            w.boolField(2, isSigned)
            w.structEnd()
        case .unknown: w.emptyStructField(11)
        case .json: w.emptyStructField(12)
        case .bson: w.emptyStructField(13)
        case .uuid: w.emptyStructField(14)
        case .float16: w.emptyStructField(15)
        case .other(let fieldId): w.emptyStructField(fieldId)
        }
        w.structEnd()
    }

    /// `TimeType` and `TimestampType`: {1: isAdjustedToUTC, 2: unit}, the unit a union of
    /// empty structs.
    private static func writeTimeStruct(isAdjustedToUTC: Bool, unit: ParquetTimeUnit, to w: inout ThriftCompactWriter) {
        w.structBegin()
        w.boolField(1, isAdjustedToUTC)
        w.fieldBegin(2, .structure)
        w.structBegin()
        w.emptyStructField(Int16(unit.rawValue))
        w.structEnd()
        w.structEnd()
    }
}

extension ParquetColumnMetaData {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        w.i32Field(1, type.rawValue)
        w.fieldBegin(2, .list)
        w.listBegin(.i32, count: encodings.count)
        for encoding in encodings { w.writeI32(encoding.rawValue) }
        w.fieldBegin(3, .list)
        w.listBegin(.binary, count: pathInSchema.count)
        for name in pathInSchema { w.writeString(name) }
        w.i32Field(4, codec.rawValue)
        w.i64Field(5, numValues)
        w.i64Field(6, totalUncompressedSize)
        w.i64Field(7, totalCompressedSize)
        if let keyValueMetadata { writeKeyValues(keyValueMetadata, field: 8, to: &w) }
        w.i64Field(9, dataPageOffset)
        if let indexPageOffset { w.i64Field(10, indexPageOffset) }
        if let dictionaryPageOffset { w.i64Field(11, dictionaryPageOffset) }
        if let statistics {
            w.fieldBegin(12, .structure)
            statistics.writeStruct(to: &w)
        }
        w.structEnd()
    }
}

extension ParquetColumnChunk {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        if let filePath { w.stringField(1, filePath) }
        w.i64Field(2, fileOffset)
        if let metaData {
            w.fieldBegin(3, .structure)
            metaData.writeStruct(to: &w)
        }
        w.structEnd()
    }
}

extension ParquetRowGroup {
    func writeStruct(to w: inout ThriftCompactWriter) {
        w.structBegin()
        w.fieldBegin(1, .list)
        w.listBegin(.structure, count: columns.count)
        for column in columns { column.writeStruct(to: &w) }
        w.i64Field(2, totalByteSize)
        w.i64Field(3, numRows)
        if let fileOffset { w.i64Field(5, fileOffset) }
        if let totalCompressedSize { w.i64Field(6, totalCompressedSize) }
        if let ordinal { w.i16Field(7, ordinal) }
        w.structEnd()
    }
}

/// A `list<KeyValue>` field.
private func writeKeyValues(_ pairs: [ParquetKeyValue], field: Int16, to w: inout ThriftCompactWriter) {
    w.fieldBegin(field, .list)
    w.listBegin(.structure, count: pairs.count)
    for pair in pairs {
        w.structBegin()
        w.stringField(1, pair.key)
        if let value = pair.value { w.stringField(2, value) }
        w.structEnd()
    }
}

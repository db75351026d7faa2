import SluiceCore
import SluiceFormats

/// Decides from a row group's column statistics whether no row in it can meet a job's
/// conditions, so the reader may skip it. Conservative: anything it is unsure about (a
/// statistic that is missing, of an undefined sort order, of a type whose Sluice values do not
/// order like its stored bytes, or a condition of another kind than the field) reads the group.
///
/// Conditions follow the filter's semantics: null never meets a comparison, `equal null`
/// means `isNull`, numbers compare numerically across ints and doubles, strings by UTF-8
/// bytes. Only flat fields (one non-repeated leaf) are judged.
struct ParquetRowGroupFilter {
    let layouts: [ParquetFieldLayout]
    let columns: [ParquetColumnDescriptor]
    /// Per column: whether its min_value/max_value follow the type's defined order.
    let typeDefinedOrder: [Bool]
    let file: String

    /// Whether `rowGroup`'s statistics prove that no row meets all `conditions`.
    func rulesOut(_ rowGroup: ParquetRowGroup, conditions: [FieldCondition]) -> Bool {
        conditions.contains { rulesOut(rowGroup, $0) }
    }

    private func rulesOut(_ rowGroup: ParquetRowGroup, _ condition: FieldCondition) -> Bool {
        guard let layout = layouts.first(where: { $0.schema.name == condition.field }), let column = layout.flatColumn,
            column < rowGroup.columns.count, let meta = rowGroup.columns[column].metaData
        else { return false }
        let descriptor = columns[column]
        let rows = rowGroup.numRows
        let nullCount = meta.statistics?.nullCount
        let allNull = rows > 0 && nullCount == rows
        switch condition.comparison {
        case .isNull:
            return descriptor.maxDefinitionLevel == 0 || nullCount == 0
        case .isNotNull:
            return allNull
        case .notEqual:
            return false
        case .equal where condition.value.isNull:
            return descriptor.maxDefinitionLevel == 0 || nullCount == 0
        case .equal, .less, .lessOrEqual, .greater, .greaterOrEqual:
            if allNull { return true }
            guard let statistics = meta.statistics, let target = comparable(condition.value, for: descriptor.conversion),
                let (min, max) = bounds(statistics, column: column, descriptor: descriptor)
            else { return false }
            guard let low = order(min, target), let high = order(max, target) else { return false }
            switch condition.comparison {
            case .equal: return low > 0 || high < 0
            case .less: return low >= 0
            case .lessOrEqual: return low > 0
            case .greater: return high <= 0
            case .greaterOrEqual: return high < 0
            default: return false
            }
        }
    }

    /// The condition's value in the form the field's values compare with, or `nil` when the
    /// kinds differ (the reader then reads the group).
    private func comparable(_ value: Value, for conversion: ParquetValueConversion) -> Value? {
        switch (conversion, value) {
        case (.signed, .int), (.signed, .double), (.unsigned32, .int), (.unsigned32, .double), (.unsigned64, .int),
            (.unsigned64, .double), (.float, .int), (.float, .double), (.decimal, .int), (.decimal, .double):
            if case .double(let d) = value, d.isNaN { return nil }
            return value
        case (.string, .string), (.bool, .bool), (.date, .timestamp), (.timestamp, .timestamp):
            return value
        case (.date, .string(let text)), (.timestamp, .string(let text)):
            return Timestamp(iso8601: text).map { .timestamp($0) }
        default:
            return nil
        }
    }

    /// The column's smallest and largest non-null values as Sluice values, when the
    /// statistics give them in a usable order.
    private func bounds(_ statistics: ParquetStatistics, column: Int, descriptor: ParquetColumnDescriptor) -> (Value, Value)? {
        let minimum: [UInt8]
        let maximum: [UInt8]
        if column < typeDefinedOrder.count, typeDefinedOrder[column], let low = statistics.minValue, let high = statistics.maxValue {
            minimum = low
            maximum = high
        } else if let low = statistics.min, let high = statistics.max, legacyOrderIsSigned(descriptor) {
            minimum = low
            maximum = high
        } else {
            return nil
        }
        guard let low = value(minimum, descriptor), let high = value(maximum, descriptor) else { return nil }
        if case .double(let d) = low, d.isNaN { return nil }
        if case .double(let d) = high, d.isNaN { return nil }
        return (low, high)
    }

    /// Whether the deprecated min/max (signed order) can be trusted for the column: signed
    /// integers and the types stored in them, and floating point.
    private func legacyOrderIsSigned(_ descriptor: ParquetColumnDescriptor) -> Bool {
        switch descriptor.conversion {
        case .signed, .float, .date, .timestamp: return true
        case .decimal: return descriptor.physical == .int32 || descriptor.physical == .int64
        default: return false
        }
    }

    /// One statistics value (PLAIN encoded, byte arrays without their length) as a Sluice
    /// value, for the conversions whose values order as the statistics do.
    private func value(_ bytes: [UInt8], _ descriptor: ParquetColumnDescriptor) -> Value? {
        switch descriptor.conversion {
        case .signed, .unsigned32, .unsigned64, .float, .decimal, .date, .timestamp, .string, .bool: break
        default: return nil
        }
        var physical = ParquetPhysicalValues()
        switch descriptor.physical {
        case .boolean:
            guard let first = bytes.first else { return nil }
            physical.bools.append(first & 1 == 1)
        case .int32:
            guard bytes.count == 4 else { return nil }
            physical.ints.append(Int64(bytes.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }))
        case .int64:
            guard bytes.count == 8 else { return nil }
            physical.ints.append(bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) })
        case .float:
            guard bytes.count == 4 else { return nil }
            physical.doubles.append(Double(Float(bitPattern: bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })))
        case .double:
            guard bytes.count == 8 else { return nil }
            physical.doubles.append(Double(bitPattern: bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }))
        case .byteArray:
            bytes.withUnsafeBytes { physical.appendBytes($0) }
        case .fixedLenByteArray:
            guard bytes.count == descriptor.typeLength else { return nil }
            bytes.withUnsafeBytes { physical.appendBytes($0) }
        default:
            return nil
        }
        let converter = ParquetValueConverter(
            conversion: descriptor.conversion, physical: descriptor.physical, typeLength: descriptor.typeLength, field: "",
            invalidUTF8: .reject)
        var out = ParquetColumnValues(kind: .values)
        converter.convert(physical, into: &out)
        // A bound that is not valid UTF-8 (cut inside a character) is not used.
        guard out.count == 1, out.invalid.isEmpty else { return nil }
        return out.value(at: 0)
    }

    /// The filter's ordering: strings by UTF-8 bytes, everything else as `Value.compare`.
    private func order(_ a: Value, _ b: Value) -> Int? {
        if case .string(let x) = a, case .string(let y) = b {
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : (x.utf8.elementsEqual(y.utf8) ? 0 : 1)
        }
        return a.compare(to: b)
    }
}

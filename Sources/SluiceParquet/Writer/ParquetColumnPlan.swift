import SluiceCore

/// How the values of one field are written: the Parquet type a column holds and how each
/// Sluice value becomes one of its physical values. Decided once per file, from the first row
/// group's values and the source's declared type.
struct ParquetColumnPlan: Sendable, Equatable {
    /// The conversion from Sluice values (see ``FieldSchema`` for their conventions).
    enum Kind: Sendable, Equatable {
        case boolean
        /// INT64 holding a signed integer.
        case int64
        /// INT64 holding an unsigned integer (its bit pattern).
        case uint64
        /// INT32 holding an integer of `bits` (8, 16 or 32) bits; unsigned ones keep their bit
        /// pattern.
        case int32(bits: Int, signed: Bool)
        case double
        case float
        /// BYTE_ARRAY UTF-8 text; any scalar is written as its text.
        case string
        /// BYTE_ARRAY holding any value as compact JSON.
        case json
        /// BYTE_ARRAY from base64 text.
        case binary
        /// FIXED_LEN_BYTE_ARRAY of `length` bytes from base64 text.
        case fixed(length: Int)
        /// FIXED_LEN_BYTE_ARRAY(16) from canonical UUID text.
        case uuid
        /// An exact decimal in INT32, INT64 or the fewest big-endian bytes that hold it.
        case decimal(precision: Int, scale: Int, storage: DecimalStorage)
        /// INT32 days since 1970-01-01.
        case date
        /// INT32 (millis) or INT64 (micros, nanos) since midnight.
        case time(unit: TimeUnit)
        /// INT64 in `unit` since the epoch.
        case timestamp(unit: TimeUnit, utc: Bool)
    }

    /// Where a decimal's unscaled value goes.
    enum DecimalStorage: Sendable, Equatable {
        case int32
        case int64
        case fixed(length: Int)
    }

    /// The column's name in the file: the field's name, or the last step of a nested
    /// column's path (`element`, `key`, a struct member's name).
    var name: String
    var kind: Kind
    /// Whether the column is REQUIRED (the source declared it not nullable).
    var required: Bool
    /// The names from the top-level field down to this column (`["items", "list", "element"]`).
    var path: [String]
    /// The definition level of a present value: the optional and repeated nodes on the path.
    var maxDefinitionLevel: Int
    /// The repetition level of a repeated value: the repeated nodes on the path.
    var maxRepetitionLevel: Int

    /// A top-level column.
    init(name: String, kind: Kind, required: Bool) {
        self.init(name: name, kind: kind, required: required, path: [name], maxDefinitionLevel: required ? 0 : 1, maxRepetitionLevel: 0)
    }

    /// A column at `path` under nested groups.
    init(name: String, kind: Kind, required: Bool, path: [String], maxDefinitionLevel: Int, maxRepetitionLevel: Int) {
        self.name = name
        self.kind = kind
        self.required = required
        self.path = path
        self.maxDefinitionLevel = maxDefinitionLevel
        self.maxRepetitionLevel = maxRepetitionLevel
    }

    /// The column as messages name it: the field, or the path for a nested column
    /// (`items.list.element`).
    var displayName: String { path.joined(separator: ".") }

    /// The physical type.
    var physicalType: ParquetPhysicalType {
        switch kind {
        case .boolean: return .boolean
        case .int64, .uint64, .timestamp: return .int64
        case .int32, .date: return .int32
        case .double: return .double
        case .float: return .float
        case .string, .json, .binary: return .byteArray
        case .fixed, .uuid: return .fixedLenByteArray
        case .decimal(_, _, let storage):
            switch storage {
            case .int32: return .int32
            case .int64: return .int64
            case .fixed: return .fixedLenByteArray
            }
        case .time(let unit): return unit == .millis ? .int32 : .int64
        }
    }

    /// The byte width of a FIXED_LEN_BYTE_ARRAY value, `nil` for other types.
    var fixedLength: Int? {
        switch kind {
        case .fixed(let length): return length
        case .uuid: return 16
        case .decimal(_, _, .fixed(let length)): return length
        default: return nil
        }
    }

    /// How min/max statistics compare this column's values (Parquet's TYPE_ORDER).
    var sortOrder: SortOrder {
        switch kind {
        case .boolean, .int64, .int32(_, true), .date, .time, .timestamp: return .signed
        case .uint64, .int32(_, false): return .unsigned
        case .double, .float: return .float
        case .string, .json, .binary, .fixed, .uuid: return .unsigned
        case .decimal: return .signed
        }
    }

    /// TYPE_ORDER's comparisons.
    enum SortOrder: Sendable, Equatable {
        case signed, unsigned, float
    }

    /// The type as messages name it: `int64`, `decimal(12,2)`, `timestamp(micros, utc)`.
    var typeName: String {
        switch kind {
        case .boolean: return "boolean"
        case .int64: return "int64"
        case .uint64: return "uint64"
        case .int32(let bits, let signed): return signed ? "int\(bits)" : "uint\(bits)"
        case .double: return "double"
        case .float: return "float"
        case .string: return "string"
        case .json: return "json"
        case .binary: return "binary"
        case .fixed(let length): return "fixed(\(length))"
        case .uuid: return "uuid"
        case .decimal(let precision, let scale, _): return "decimal(\(precision),\(scale))"
        case .date: return "date"
        case .time(let unit): return "time(\(unit.rawValue))"
        case .timestamp(let unit, let utc): return "timestamp(\(unit.rawValue)\(utc ? ", utc" : ""))"
        }
    }

    /// The column's element of the file schema.
    var schemaElement: ParquetSchemaElement {
        var element = ParquetSchemaElement(name: name)
        element.type = physicalType
        element.repetition = required ? .required : .optional
        if let fixedLength { element.typeLength = Int32(truncatingIfNeeded: fixedLength) }
        switch kind {
        case .boolean, .int64, .double, .float, .binary, .fixed:
            break
        case .uint64:
            element.logicalType = .integer(bitWidth: 64, isSigned: false)
            element.convertedType = .uint64
        case .int32(let bits, let signed):
            element.logicalType = .integer(bitWidth: Int8(truncatingIfNeeded: bits), isSigned: signed)
            element.convertedType = Self.convertedIntegerType(bits: bits, signed: signed)
        case .string:
            element.logicalType = .string
            element.convertedType = .utf8
        case .json:
            element.logicalType = .json
            element.convertedType = .json
        case .uuid:
            element.logicalType = .uuid
        case .decimal(let precision, let scale, _):
            let p = Int32(truncatingIfNeeded: precision)
            let s = Int32(truncatingIfNeeded: scale)
            element.logicalType = .decimal(scale: s, precision: p)
            element.convertedType = .decimal
            element.precision = p
            element.scale = s
        case .date:
            element.logicalType = .date
            element.convertedType = .date
        case .time(let unit):
            element.logicalType = .time(isAdjustedToUTC: false, unit: Self.parquetUnit(unit))
        case .timestamp(let unit, let utc):
            element.logicalType = .timestamp(isAdjustedToUTC: utc, unit: Self.parquetUnit(unit))
            // The legacy annotations only mean UTC-adjusted millis or micros.
            if utc, unit == .millis { element.convertedType = .timestampMillis }
            if utc, unit == .micros { element.convertedType = .timestampMicros }
        }
        return element
    }

    static func parquetUnit(_ unit: TimeUnit) -> ParquetTimeUnit {
        switch unit {
        case .millis: return .millis
        case .micros: return .micros
        case .nanos: return .nanos
        }
    }

    private static func convertedIntegerType(bits: Int, signed: Bool) -> ParquetConvertedType? {
        switch (bits, signed) {
        case (8, true): return .int8
        case (16, true): return .int16
        case (32, true): return .int32
        case (8, false): return .uint8
        case (16, false): return .uint16
        case (32, false): return .uint32
        default: return nil
        }
    }
}

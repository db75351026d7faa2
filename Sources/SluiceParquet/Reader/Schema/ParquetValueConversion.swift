import SluiceCore
import SluiceFormats

/// How the values of one leaf column become Sluice values: decided once from the column's
/// physical type and its logical (or legacy converted) type annotation.
enum ParquetValueConversion: Equatable, Sendable {
    case bool
    /// INT32 or INT64 as a signed integer.
    case signed
    /// INT32 as an unsigned 8/16/32-bit integer.
    case unsigned32
    /// INT64 as an unsigned 64-bit integer (above `Int.max`: decimal text).
    case unsigned64
    /// FLOAT or DOUBLE.
    case float
    /// FIXED_LEN_BYTE_ARRAY(2) holding an IEEE half.
    case float16
    /// UTF-8 text (strings, enum symbols).
    case string
    /// JSON text, parsed.
    case json
    /// Any bytes, as base64 text.
    case binary
    /// FIXED_LEN_BYTE_ARRAY(16) as canonical UUID text.
    case uuid
    /// INT32 days since the epoch.
    case date
    /// A time of day in `unit` (INT32 millis, INT64 micros or nanos).
    case time(ParquetTimeUnit)
    /// A timestamp in `unit` (INT64).
    case timestamp(ParquetTimeUnit)
    /// A legacy INT96 timestamp.
    case int96
    /// An unscaled integer (INT32, INT64, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY) at `scale`.
    case decimal(scale: Int)

    /// The storage the converted values take.
    var kind: ParquetColumnValues.Kind {
        switch self {
        case .bool: return .bools
        case .signed, .unsigned32, .unsigned64: return .ints
        case .float, .float16: return .doubles
        case .string, .binary, .uuid, .time: return .text
        case .json, .date, .timestamp, .int96, .decimal: return .values
        }
    }

    /// The conversion and declared type of a leaf, or an error for an annotation that
    /// cannot apply to its physical type (or an unknown physical type).
    static func of(_ element: ParquetSchemaElement, path: String) throws -> (ParquetValueConversion, LogicalType) {
        guard let physical = element.type else { throw FormatError("column '\(path)' has no physical type") }
        let converted = element.convertedType
        switch physical {
        case .boolean:
            return (.bool, .boolean)
        case .int32, .int64:
            return try integer(element, path: path, wide: physical == .int64)
        case .int96:
            return (.int96, .timestamp(unit: .nanos, utc: false))
        case .float:
            return (.float, .float(bits: 32))
        case .double:
            return (.float, .float(bits: 64))
        case .byteArray, .fixedLenByteArray:
            var length: Int?
            if physical == .fixedLenByteArray {
                guard let declared = element.typeLength, declared > 0, Int(declared) <= ParquetReadLimits.maximumFixedLength else {
                    throw FormatError("column '\(path)' is a fixed-length byte array without a valid length (\(element.typeLength.map(String.init) ?? "none"))")
                }
                length = Int(declared)
            }
            if let decimal = try decimal(element, path: path) { return (.decimal(scale: decimal.scale), decimal.type) }
            switch element.logicalType {
            case .string?, .enumeration?: return (.string, element.logicalType == .string ? .string : .enumeration(symbols: []))
            case .json?: return (.json, .json)
            case .uuid? where length == 16: return (.uuid, .uuid)
            case .float16? where length == 2: return (.float16, .float(bits: 16))
            default: break
            }
            if element.logicalType == nil {
                switch converted {
                case .utf8?: return (.string, .string)
                case .enumeration?: return (.string, .enumeration(symbols: []))
                case .json?: return (.json, .json)
                default: break
                }
            }
            if let length { return (.binary, .fixedBinary(length: length)) }
            return (.binary, .binary)
        default:
            throw FormatError("column '\(path)' has an unknown physical type \(physical.rawValue)")
        }
    }

    private static func integer(_ element: ParquetSchemaElement, path: String, wide: Bool) throws -> (ParquetValueConversion, LogicalType) {
        if let decimal = try decimal(element, path: path) { return (.decimal(scale: decimal.scale), decimal.type) }
        let plain: (ParquetValueConversion, LogicalType) = (.signed, .integer(bits: wide ? 64 : 32, signed: true))
        if let logical = element.logicalType {
            switch logical {
            case .integer(let bitWidth, let isSigned):
                let bits = Int(bitWidth)
                guard [8, 16, 32, 64].contains(bits), bits <= (wide ? 64 : 32) else { return plain }
                if isSigned { return (.signed, .integer(bits: bits, signed: true)) }
                return (wide ? .unsigned64 : .unsigned32, .integer(bits: bits, signed: false))
            case .date where !wide:
                return (.date, .date)
            case .time(_, let unit):
                guard (unit == .millis) != wide else { return plain }
                return (.time(unit), .time(unit: TimeUnit(unit)))
            case .timestamp(let utc, let unit) where wide:
                return (.timestamp(unit), .timestamp(unit: TimeUnit(unit), utc: utc))
            default:
                return plain
            }
        }
        switch element.convertedType {
        case .int8?: return (.signed, .integer(bits: 8, signed: true))
        case .int16?: return (.signed, .integer(bits: 16, signed: true))
        case .int32?: return (.signed, .integer(bits: 32, signed: true))
        case .int64?: return (.signed, .integer(bits: 64, signed: true))
        case .uint8? where !wide: return (.unsigned32, .integer(bits: 8, signed: false))
        case .uint16? where !wide: return (.unsigned32, .integer(bits: 16, signed: false))
        case .uint32? where !wide: return (.unsigned32, .integer(bits: 32, signed: false))
        case .uint64? where wide: return (.unsigned64, .integer(bits: 64, signed: false))
        case .date? where !wide: return (.date, .date)
        case .timeMillis? where !wide: return (.time(.millis), .time(unit: .millis))
        case .timeMicros? where wide: return (.time(.micros), .time(unit: .micros))
        case .timestampMillis? where wide: return (.timestamp(.millis), .timestamp(unit: .millis, utc: true))
        case .timestampMicros? where wide: return (.timestamp(.micros), .timestamp(unit: .micros, utc: true))
        default: return plain
        }
    }

    /// The scale and declared type of a decimal column (logical type first, then the legacy
    /// converted type with the element's scale and precision), `nil` for other columns.
    private static func decimal(_ element: ParquetSchemaElement, path: String) throws -> (scale: Int, type: LogicalType)? {
        let scale: Int32
        let precision: Int32
        if case .decimal(let s, let p)? = element.logicalType {
            scale = s
            precision = p
        } else if element.logicalType == nil, element.convertedType == .decimal {
            scale = element.scale ?? 0
            precision = element.precision ?? 0
        } else {
            return nil
        }
        guard scale >= 0, Int(scale) <= ParquetReadLimits.maximumDecimalScale, precision > 0 else {
            throw FormatError("column '\(path)' declares decimal(\(precision),\(scale)), which is not a valid decimal")
        }
        return (Int(scale), .decimal(precision: Int(precision), scale: Int(scale)))
    }
}

extension TimeUnit {
    init(_ unit: ParquetTimeUnit) {
        switch unit {
        case .millis: self = .millis
        case .micros: self = .micros
        case .nanos: self = .nanos
        }
    }
}

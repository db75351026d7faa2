// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

/// The Avro type the writer gives a field (or a nested value), with what it accepts.
indirect enum AvroWriteType: Sendable {
    case boolean
    /// An Avro `int` holding values in `range` (a narrower declared integer keeps its range).
    case int(range: ClosedRange<Int>)
    /// An Avro `long` holding values in `range`.
    case long(range: ClosedRange<Int>)
    case float
    case double
    case string
    /// Binary, from base64 text.
    case bytes
    /// Fixed-size binary, from base64 text of exactly `size` bytes.
    case fixed(name: String, size: Int)
    /// `bytes` with the decimal logical type; values are written exactly or refused.
    case decimal(precision: Int, scale: Int)
    /// `string` with the uuid logical type.
    case uuid
    /// `int` with the date logical type.
    case date
    /// `int` time-millis or `long` time-micros.
    case timeMillis
    case timeMicros
    /// `long` with a timestamp logical type.
    case timestamp(unit: AvroLogicalType.TimestampUnit, utc: Bool)
    /// `string` holding any value's JSON text (nested values without a declared type).
    case json
    case enumeration(name: String, symbols: [String])
    case array(AvroWriteSlot)
    case map(AvroWriteSlot)
    case record(name: String, fields: [AvroWriteField])

    /// A short name for messages.
    var description: String {
        switch self {
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes (base64 text)"
        case .fixed(_, let size): return "fixed(\(size)) (base64 text)"
        case .decimal(let precision, let scale): return "decimal(\(precision),\(scale))"
        case .uuid: return "uuid"
        case .date: return "date"
        case .timeMillis: return "time-millis"
        case .timeMicros: return "time-micros"
        case .timestamp(let unit, let utc): return "\(utc ? "" : "local-")timestamp-\(unit)"
        case .json: return "string (JSON text)"
        case .enumeration(let name, _): return "enum \(name)"
        case .array: return "array"
        case .map: return "map"
        case .record(let name, _): return "record \(name)"
        }
    }

    /// The type's schema JSON.
    var schema: Value {
        switch self {
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .string, .json: return "string"
        case .bytes: return "bytes"
        case .fixed(let name, let size): return ["type": "fixed", "name": .string(name), "size": .int(size)]
        case .decimal(let precision, let scale):
            return ["type": "bytes", "logicalType": "decimal", "precision": .int(precision), "scale": .int(scale)]
        case .uuid: return ["type": "string", "logicalType": "uuid"]
        case .date: return ["type": "int", "logicalType": "date"]
        case .timeMillis: return ["type": "int", "logicalType": "time-millis"]
        case .timeMicros: return ["type": "long", "logicalType": "time-micros"]
        case .timestamp(let unit, let utc):
            return ["type": "long", "logicalType": .string("\(utc ? "" : "local-")timestamp-\(unit)")]
        case .enumeration(let name, let symbols):
            return ["type": "enum", "name": .string(name), "symbols": .array(symbols.map { .string($0) })]
        case .array(let items): return ["type": "array", "items": items.schema]
        case .map(let values): return ["type": "map", "values": values.schema]
        case .record(let name, let fields):
            return [
                "type": "record", "name": .string(name),
                "fields": .array(fields.map { ["name": .string($0.name), "type": $0.slot.schema] }),
            ]
        }
    }
}

/// A type and whether it may be null (then written as the union `["null", type]`).
struct AvroWriteSlot: Sendable {
    var type: AvroWriteType
    var nullable: Bool

    /// The slot's schema JSON.
    var schema: Value { nullable ? ["null", type.schema] : type.schema }
}

/// A field of a written record: its Avro name, the Sluice field it comes from, and its type.
struct AvroWriteField: Sendable {
    var name: String
    var source: String
    var slot: AvroWriteSlot
}

extension AvroWriteType {
    /// The Avro type for a declared Sluice type; `path` names the field for the names of the
    /// records, enums and fixed types it needs, which `names` keeps unique.
    static func declared(_ type: LogicalType, path: String, names: inout AvroNames) -> AvroWriteType {
        switch type {
        case .boolean: return .boolean
        case .integer(let bits, let signed):
            let width = min(max(bits, 1), 64)
            if signed {
                if width <= 32 { return .int(range: -(1 << (width - 1))...((1 << (width - 1)) - 1)) }
                return .long(range: Int.min...Int.max)
            }
            if width < 32 { return .int(range: 0...((1 << width) - 1)) }
            return .long(range: 0...(width == 32 ? Int(UInt32.max) : Int.max))
        case .float(let bits): return bits == 64 ? .double : .float
        case .decimal(let precision, let scale):
            guard precision > 0, precision <= AvroLimits.maximumDecimalPrecision, scale >= 0, scale <= precision else { return .string }
            return .decimal(precision: precision, scale: scale)
        case .string: return .string
        case .binary: return .bytes
        case .fixedBinary(let length): return .fixed(name: names.unique(path + "_fixed"), size: max(0, length))
        case .uuid: return .uuid
        case .json: return .json
        case .date: return .date
        case .time(let unit): return unit == .millis ? .timeMillis : .timeMicros
        case .timestamp(let unit, let utc):
            switch unit {
            case .millis: return .timestamp(unit: .millis, utc: utc)
            case .micros: return .timestamp(unit: .micros, utc: utc)
            case .nanos: return .timestamp(unit: .nanos, utc: utc)
            }
        case .list(let element):
            return .array(AvroWriteSlot(type: declared(element.type, path: path + "_item", names: &names), nullable: element.nullable))
        case .map(let key, let value):
            switch key.type {
            case .string, .uuid, .enumeration:
                return .map(AvroWriteSlot(type: declared(value.type, path: path + "_value", names: &names), nullable: value.nullable))
            default:
                // Avro map keys are strings; other keys keep their entries as JSON text.
                return .json
            }
        case .structure(let fields):
            let name = names.unique(path)
            var fieldNames = AvroNames()
            let written = fields.map { field in
                AvroWriteField(
                    name: fieldNames.unique(field.name), source: field.name,
                    slot: AvroWriteSlot(type: declared(field.type, path: path + "_" + field.name, names: &names), nullable: field.nullable))
            }
            return .record(name: name, fields: written)
        case .enumeration(let symbols):
            // Avro symbols must be names, and distinct; other symbol lists stay strings.
            guard !symbols.isEmpty, Set(symbols).count == symbols.count, symbols.allSatisfy({ AvroNames.sanitized($0) == $0 }) else {
                return .string
            }
            return .enumeration(name: names.unique(path + "_enum"), symbols: symbols)
        }
    }

    /// The Avro type for a field without a declared type, from its column in the first batch:
    /// integers → `long`, doubles (or integers mixed with doubles) → `double`, text →
    /// `string`, booleans → `boolean`, timestamps → `long` timestamp-micros, arrays, objects
    /// and columns mixing other kinds → `string` holding JSON text; an all-null column → `string`.
    static func inferred(from column: Column) -> AvroWriteType {
        switch column.storage {
        case .ints: return .long(range: Int.min...Int.max)
        case .doubles: return .double
        case .bools: return .boolean
        case .text, .dictionary: return .string
        case .values(let values):
            var sawInt = false
            var sawDouble = false
            var sawBool = false
            var sawString = false
            var sawTimestamp = false
            for (row, value) in values.enumerated() where column.isPresent(row) {
                switch value {
                case .null: continue
                case .int: sawInt = true
                case .double: sawDouble = true
                case .bool: sawBool = true
                case .string: sawString = true
                case .timestamp: sawTimestamp = true
                case .array, .object: return .json
                }
            }
            let kinds = [sawInt || sawDouble, sawBool, sawString, sawTimestamp].filter { $0 }.count
            if kinds > 1 { return .json }
            if sawDouble { return .double }
            if sawInt { return .long(range: Int.min...Int.max) }
            if sawBool { return .boolean }
            if sawTimestamp { return .timestamp(unit: .micros, utc: true) }
            return .string
        }
    }
}

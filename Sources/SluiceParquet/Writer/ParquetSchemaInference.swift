import SluiceCore
import SluiceFormats

/// Decides each column's Parquet type: the source's declared type when it has one, else the
/// kinds of value the first row group holds.
enum ParquetSchemaInference {
    /// The largest decimal precision written (Arrow's decimal256 holds 76 digits).
    static let maximumDecimalPrecision = 76
    /// The longest FIXED_LEN_BYTE_ARRAY a declared `fixed(n)` may ask for.
    static let maximumFixedLength = 1 << 20

    /// Which kinds of value a column holds (nulls aside).
    struct Census: Sendable, Equatable {
        var int = false
        var double = false
        var bool = false
        var string = false
        var timestamp = false
        var nested = false

        var isEmpty: Bool { !(int || double || bool || string || timestamp || nested) }
    }

    /// Adds the kinds of the present values among `rows` of `column` to `census`.
    static func survey(_ column: Column, rows: Range<Int>, into census: inout Census) {
        func anyPresent() -> Bool {
            guard let presence = column.presence else { return !rows.isEmpty }
            return presence[rows].contains(.present)
        }
        switch column.storage {
        case .ints: if anyPresent() { census.int = true }
        case .doubles: if anyPresent() { census.double = true }
        case .bools: if anyPresent() { census.bool = true }
        case .text, .dictionary: if anyPresent() { census.string = true }
        case .values(let values):
            for row in rows where column.isPresent(row) {
                switch values[row] {
                case .null: break
                case .int: census.int = true
                case .double: census.double = true
                case .bool: census.bool = true
                case .string: census.string = true
                case .timestamp: census.timestamp = true
                case .array, .object: census.nested = true
                }
            }
        }
    }

    /// The plan of field `name`: from `hint` when the source declared the field's type, else
    /// from the kinds of value seen.
    static func plan(name: String, census: Census, hint: FieldSchema?) throws -> ParquetColumnPlan {
        if let hint { return try declaredPlan(name: name, hint: hint) }
        let kind: ParquetColumnPlan.Kind
        let c = census
        if c.nested {
            kind = .json
        } else if c.isEmpty || c.string || c.bool && (c.int || c.double || c.timestamp) || c.timestamp && (c.int || c.double) {
            // All null, text, or a mix with no common type: text holds every one of them.
            kind = .string
        } else if c.bool {
            kind = .boolean
        } else if c.timestamp {
            kind = .timestamp(unit: .micros, utc: true)
        } else if c.double {
            kind = .double
        } else {
            kind = .int64
        }
        return ParquetColumnPlan(name: name, kind: kind, required: false)
    }

    /// The plan keeping the declared type `hint`.
    static func declaredPlan(name: String, hint: FieldSchema) throws -> ParquetColumnPlan {
        func unsupported(_ why: String) -> FormatError {
            FormatError("Parquet: field \"\(name)\" is declared \(hint.type.description), which cannot be written: \(why)")
        }
        let kind: ParquetColumnPlan.Kind
        switch hint.type {
        case .boolean: kind = .boolean
        case .integer(let bits, let signed):
            switch (bits, signed) {
            case (64, true): kind = .int64
            case (64, false): kind = .uint64
            case (8, _), (16, _), (32, _): kind = .int32(bits: bits, signed: signed)
            default: throw unsupported("integers have 8, 16, 32 or 64 bits")
            }
        case .float(let bits): kind = bits == 64 ? .double : .float
        case .decimal(let precision, let scale):
            guard precision >= 1, precision <= maximumDecimalPrecision else {
                throw unsupported("the precision must be 1 to \(maximumDecimalPrecision)")
            }
            guard scale >= 0, scale <= precision else { throw unsupported("the scale must be 0 to the precision") }
            let storage: ParquetColumnPlan.DecimalStorage
            if precision <= 9 {
                storage = .int32
            } else if precision <= 18 {
                storage = .int64
            } else {
                storage = .fixed(length: decimalByteLength(precision: precision))
            }
            kind = .decimal(precision: precision, scale: scale, storage: storage)
        case .string, .enumeration: kind = .string
        case .binary: kind = .binary
        case .fixedBinary(let length):
            guard length >= 1, length <= maximumFixedLength else {
                throw unsupported("the length must be 1 to \(maximumFixedLength) bytes")
            }
            kind = .fixed(length: length)
        case .uuid: kind = .uuid
        // Lists, maps and structs with members become nested columns (``ParquetNode``); only
        // a struct without members, which cannot be a Parquet group, gets here: JSON text.
        case .json, .list, .structure, .map: kind = .json
        case .date: kind = .date
        case .time(let unit): kind = .time(unit: unit)
        case .timestamp(let unit, let utc): kind = .timestamp(unit: unit, utc: utc)
        }
        return ParquetColumnPlan(name: name, kind: kind, required: !hint.nullable)
    }

    /// The fewest bytes whose two's complement holds every unscaled value of `precision`
    /// digits: the least n with 10^precision ≤ 2^(8n−1). log2(10) is irrational, so the
    /// double computation never sits exactly on a boundary.
    static func decimalByteLength(precision: Int) -> Int {
        let bits = Double(precision) * 3.321_928_094_887_362 + 1
        return Int((bits / 8).rounded(.up))
    }
}

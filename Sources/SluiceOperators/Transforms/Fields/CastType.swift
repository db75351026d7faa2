import SluiceCore

/// A type a `cast` step converts to: the schema types plus `integer`.
///
/// Conversions follow DuckDB's `TRY_CAST` where DuckDB has the type (`number` is DOUBLE,
/// `integer` BIGINT, `boolean` BOOLEAN, `date` TIMESTAMP WITH TIME ZONE, `string` VARCHAR):
/// - **number** from text: a decimal number with optional sign, fraction and exponent,
///   surrounded by optional spaces, tabs or line breaks (`" 42 "`, `"1e3"`, `".5"`, `"1."`).
///   Text that spells an integer gives an integer, anything else a double. Unlike DuckDB,
///   `inf`, `nan`, hexadecimal and `1_000` are refused, and so is text whose value overflows
///   to infinity: records must stay representable in JSON. Booleans give 1 or 0.
/// - **integer** from text: as for number, then a fraction rounds half away from zero
///   (`"2.5"` → 3, `"-2.5"` → -3), as DuckDB's VARCHAR → BIGINT does; from a double it
///   rounds half to even (`2.5` → 2), as DuckDB's DOUBLE → BIGINT does. Out of the 64-bit
///   range is a failure. (DuckDB reads text as an exact decimal; Sluice reads it as a double
///   first, so only text with more than 17 significant digits can round differently.)
/// - **boolean** from text: `true t yes y 1` and `false f no n 0` in any case, nothing else
///   (no surrounding spaces, as in DuckDB); from a number: zero is false, anything else true.
/// - **date** from text: ISO 8601 date or date-time, offsets applied (a timestamp in UTC); from
///   a number: milliseconds since 1970 (JavaScript's `new Date(n)`).
/// - **string**: numbers as JavaScript prints them (`2`, not DuckDB's `2.0`), booleans as
///   `true`/`false`, dates in ISO 8601, arrays and objects as compact JSON.
/// - **array** / **object**: kept when they are one already; text holding a JSON array or
///   object is parsed.
///
/// Null stays null whatever the type.
public enum CastType: String, Sendable, CaseIterable {
    case string, number, integer, boolean, date, array, object

    /// `value` converted, or `nil` when it cannot be.
    public func cast(_ value: Value) -> Value? {
        switch self {
        case .string: return Self.string(value)
        case .number: return Self.number(value)
        case .integer: return Self.integer(value)
        case .boolean: return Self.boolean(value)
        case .date: return Self.date(value)
        case .array:
            if case .array = value { return value }
            guard case .string(let s) = value, case .array(let items)? = try? JSONParser.parse(s) else { return nil }
            return .array(items)
        case .object:
            if case .object = value { return value }
            guard case .string(let s) = value, case .object(let object)? = try? JSONParser.parse(s) else { return nil }
            return .object(object)
        }
    }

    private static func string(_ value: Value) -> Value? {
        if case .string = value { return value }
        return .string(value.plainText)
    }

    private static func number(_ value: Value) -> Value? {
        switch value {
        case .int, .double: return value
        case .bool(let b): return .int(b ? 1 : 0)
        case .string(let s): return CastText.number(s)
        default: return nil
        }
    }

    private static func integer(_ value: Value) -> Value? {
        switch value {
        case .int: return value
        case .double(let d): return CastText.roundedInteger(d, rule: .toNearestOrEven).map(Value.int)
        case .bool(let b): return .int(b ? 1 : 0)
        case .string(let s): return CastText.integer(s).map(Value.int)
        default: return nil
        }
    }

    private static func boolean(_ value: Value) -> Value? {
        switch value {
        case .bool: return value
        case .int(let i): return .bool(i != 0)
        case .double(let d): return d.isNaN ? nil : .bool(d != 0)
        case .string(let s):
            var s = s
            return s.withUTF8 { CastText.boolean(UnsafeRawBufferPointer($0)) }.map(Value.bool)
        default: return nil
        }
    }

    private static func date(_ value: Value) -> Value? {
        switch value {
        case .timestamp: return value
        case .int(let i):
            let (micros, overflow) = Int64(i).multipliedReportingOverflow(by: 1000)
            return overflow ? nil : .timestamp(Timestamp(microseconds: micros))
        case .double(let d):
            let micros = (d * 1000).rounded()
            guard micros.isFinite, micros.magnitude < 9.2e18 else { return nil }
            return .timestamp(Timestamp(microseconds: Int64(micros)))
        case .string(let s): return Timestamp(iso8601: s).map(Value.timestamp)
        default: return nil
        }
    }
}

// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

/// Turns the raw values of logical types into Sluice's ``Value`` conventions (see
/// ``LogicalType``): dates and timestamps → `.timestamp`, times of day → `HH:MM:SS[.ffffff]`
/// text, decimals → `.int`, `.double` or exact text, UUIDs → lower-case text, durations →
/// `{months, days, milliseconds}`, other binary → base64 text.
///
/// A value the convention cannot hold (a date beyond the microsecond timestamp range, a time
/// outside the day) becomes `.null` with its reason in `issue`.
enum AvroLogicalValues {
    private static let microsPerDay = 86_400_000_000

    /// An `int` with a logical type.
    static func int(_ raw: Int, _ logical: AvroLogicalType, issue: inout String?) -> Value {
        switch logical {
        case .date:
            let (micros, overflow) = raw.multipliedReportingOverflow(by: microsPerDay)
            guard !overflow else { return refuse("date \(raw) days from 1970-01-01 is beyond the timestamp range", &issue) }
            return .timestamp(Timestamp(microseconds: Int64(micros)))
        case .timeMillis:
            guard raw >= 0, raw < 86_400_000 else { return refuse("time-millis value \(raw) is not a time of day", &issue) }
            return .string(timeOfDay(micros: raw * 1000))
        default:
            return .int(raw)
        }
    }

    /// A `long` with a logical type.
    static func long(_ raw: Int, _ logical: AvroLogicalType, issue: inout String?) -> Value {
        switch logical {
        case .timeMicros:
            guard raw >= 0, raw < microsPerDay else { return refuse("time-micros value \(raw) is not a time of day", &issue) }
            return .string(timeOfDay(micros: raw))
        case .timestamp(let unit, _):
            switch unit {
            case .millis:
                let (micros, overflow) = raw.multipliedReportingOverflow(by: 1000)
                guard !overflow else { return refuse("timestamp-millis value \(raw) is beyond the microsecond timestamp range", &issue) }
                return .timestamp(Timestamp(microseconds: Int64(micros)))
            case .micros:
                return .timestamp(Timestamp(microseconds: Int64(raw)))
            case .nanos:
                // Floored to the microsecond, also before 1970.
                let quotient = raw / 1000
                return .timestamp(Timestamp(microseconds: Int64(raw % 1000 < 0 ? quotient - 1 : quotient)))
            }
        default:
            return .int(raw)
        }
    }

    /// A `bytes` or `fixed` value with its logical type, if any.
    static func bytes(_ bytes: UnsafeRawBufferPointer, _ logical: AvroLogicalType?, issue: inout String?) -> Value {
        switch logical {
        case .decimal(_, let scale)?:
            guard bytes.count <= AvroLimits.maximumDecimalBytes else {
                return refuse("a decimal of \(bytes.count) bytes is longer than the limit of \(AvroLimits.maximumDecimalBytes)", &issue)
            }
            return AvroDecimal.value(unscaled: bytes, scale: scale)
        case .uuid?:
            return .string(uuidText(bytes))
        case .duration?:
            var parts: [Int] = []
            for i in 0..<3 { parts.append(Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))) }
            return .object(ValueObject([("months", .int(parts[0])), ("days", .int(parts[1])), ("milliseconds", .int(parts[2]))]))
        default:
            return .string(AvroBase64.encode(bytes))
        }
    }

    private static func refuse(_ reason: String, _ issue: inout String?) -> Value {
        if issue == nil { issue = reason }
        return .null
    }

    /// `HH:MM:SS` and, when there is a fraction, `.ffffff`, for microseconds after midnight
    /// (`0 ..< 86_400_000_000`).
    static func timeOfDay(micros: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(15)
        let seconds = micros / 1_000_000
        Timestamp.appendDigits(UInt(seconds / 3600), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Timestamp.appendDigits(UInt(seconds / 60 % 60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Timestamp.appendDigits(UInt(seconds % 60), width: 2, to: &out)
        let fraction = micros % 1_000_000
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            Timestamp.appendDigits(UInt(fraction), width: 6, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical `8-4-4-4-12` lower-case text of 16 bytes.
    static func uuidText(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` in lower case when it is a UUID in the `8-4-4-4-12` form; otherwise unchanged.
    static func canonicalUUID(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return text }
        var lowered = utf8
        for (i, byte) in utf8.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard byte == UInt8(ascii: "-") else { return text }
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): break
            case UInt8(ascii: "A")...UInt8(ascii: "F"): lowered[i] = byte + 32
            default: return text
            }
        }
        return lowered == utf8 ? text : String(decoding: lowered, as: UTF8.self)
    }
}

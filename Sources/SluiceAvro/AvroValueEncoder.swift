// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

/// Why a value does not fit the Avro type of its field (the caller adds the field and record).
struct AvroWriteError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Encodes ``Value``s as Avro binary data of a writer type, refusing what does not fit
/// exactly (an integer out of the type's range, a fraction in a `long`, a decimal with more
/// digits than declared, text that is not base64 in a binary field).
enum AvroValueEncoder {
    /// The deepest nesting of values written.
    static let maximumDepth = 64

    /// Appends `value` as `slot` (`null` needs a nullable slot).
    static func encode(_ value: Value, as slot: AvroWriteSlot, into out: inout [UInt8], depth: Int = 0) throws(AvroWriteError) {
        if slot.nullable {
            if value.isNull {
                out.append(0)
                return
            }
            out.append(2)  // branch 1, zig-zag encoded
        } else if value.isNull {
            throw AvroWriteError("null is not allowed: the field is declared not nullable")
        }
        try encode(value, as: slot.type, into: &out, depth: depth)
    }

    /// Appends the non-null `value` as `type`.
    static func encode(_ value: Value, as type: AvroWriteType, into out: inout [UInt8], depth: Int) throws(AvroWriteError) {
        guard depth < maximumDepth else { throw AvroWriteError("values are nested more than \(maximumDepth) deep") }
        func mismatch() -> AvroWriteError {
            AvroWriteError("\(value.kindName) \(shortText(value)) does not fit Avro type \(type.description)")
        }
        switch type {
        case .boolean:
            guard case .bool(let b) = value else { throw mismatch() }
            out.append(b ? 1 : 0)
        case .int(let range), .long(let range):
            guard let integer = exactInteger(value), range.contains(integer) else { throw mismatch() }
            AvroBinaryWriter.appendLong(integer, to: &out)
        case .float:
            guard let number = value.number else { throw mismatch() }
            let single = Float(number)
            guard single.isFinite || !number.isFinite else { throw mismatch() }
            AvroBinaryWriter.appendFloat(single, to: &out)
        case .double:
            guard let number = value.number else { throw mismatch() }
            AvroBinaryWriter.appendDouble(number, to: &out)
        case .string:
            switch value {
            case .string(let s): AvroBinaryWriter.appendString(s, to: &out)
            case .int, .double, .bool: AvroBinaryWriter.appendString(JSONText.string(value), to: &out)
            case .timestamp(let t): AvroBinaryWriter.appendString(t.iso8601, to: &out)
            default: throw mismatch()
            }
        case .json:
            AvroBinaryWriter.appendBytes(JSONText.bytes(value), to: &out)
        case .bytes:
            guard case .string(let text) = value, let bytes = AvroBase64.decode(text) else { throw mismatch() }
            AvroBinaryWriter.appendBytes(bytes, to: &out)
        case .fixed(_, let size):
            guard case .string(let text) = value, let bytes = AvroBase64.decode(text) else { throw mismatch() }
            guard bytes.count == size else { throw AvroWriteError("base64 text of \(bytes.count) bytes does not fit fixed(\(size))") }
            out.append(contentsOf: bytes)
        case .decimal(let precision, let scale):
            switch AvroDecimal.unscaledBytes(value, precision: precision, scale: scale) {
            case .success(let bytes): AvroBinaryWriter.appendBytes(bytes, to: &out)
            case .failure(let error): throw AvroWriteError("\(error.message): it does not fit decimal(\(precision),\(scale))")
            }
        case .uuid:
            guard case .string(let text) = value else { throw mismatch() }
            let canonical = AvroLogicalValues.canonicalUUID(text)
            guard isUUID(canonical) else { throw mismatch() }
            AvroBinaryWriter.appendString(canonical, to: &out)
        case .date:
            guard let micros = timestampMicros(value) else { throw mismatch() }
            let microsPerDay = 86_400_000_000
            guard micros % microsPerDay == 0 else { throw AvroWriteError("\(shortText(value)) is not midnight UTC: it does not fit Avro type date") }
            let days = micros / microsPerDay
            guard days >= Int(Int32.min), days <= Int(Int32.max) else { throw mismatch() }
            AvroBinaryWriter.appendLong(days, to: &out)
        case .timeMillis, .timeMicros:
            guard case .string(let text) = value, let micros = AvroTimeOfDay.micros(text) else { throw mismatch() }
            if case .timeMillis = type {
                guard micros % 1000 == 0 else { throw AvroWriteError("\(text) has a fraction below the millisecond: it does not fit time-millis") }
                AvroBinaryWriter.appendLong(micros / 1000, to: &out)
            } else {
                AvroBinaryWriter.appendLong(micros, to: &out)
            }
        case .timestamp(let unit, _):
            guard let micros = timestampMicros(value) else { throw mismatch() }
            switch unit {
            case .millis:
                guard micros % 1000 == 0 else {
                    throw AvroWriteError("\(shortText(value)) has a fraction below the millisecond: it does not fit \(type.description)")
                }
                AvroBinaryWriter.appendLong(micros / 1000, to: &out)
            case .micros:
                AvroBinaryWriter.appendLong(micros, to: &out)
            case .nanos:
                let (nanos, overflow) = micros.multipliedReportingOverflow(by: 1000)
                guard !overflow else { throw mismatch() }
                AvroBinaryWriter.appendLong(nanos, to: &out)
            }
        case .enumeration(_, let symbols):
            guard case .string(let text) = value, let index = symbols.firstIndex(of: text) else { throw mismatch() }
            AvroBinaryWriter.appendLong(index, to: &out)
        case .array(let items):
            guard case .array(let elements) = value else { throw mismatch() }
            if !elements.isEmpty {
                AvroBinaryWriter.appendLong(elements.count, to: &out)
                for element in elements { try encode(element, as: items, into: &out, depth: depth + 1) }
            }
            out.append(0)
        case .map(let values):
            guard case .object(let object) = value else { throw mismatch() }
            if !object.isEmpty {
                AvroBinaryWriter.appendLong(object.count, to: &out)
                for (key, item) in object.pairs {
                    AvroBinaryWriter.appendString(key, to: &out)
                    try encode(item, as: values, into: &out, depth: depth + 1)
                }
            }
            out.append(0)
        case .record(_, let fields):
            guard case .object(let object) = value else { throw mismatch() }
            for field in fields {
                do throws(AvroWriteError) {
                    try encode(object[field.source] ?? .null, as: field.slot, into: &out, depth: depth + 1)
                } catch {
                    throw AvroWriteError("in '\(field.source)': \(error.message)")
                }
            }
        }
    }

    /// An integer value, or a double that is exactly one.
    static func exactInteger(_ value: Value) -> Int? {
        switch value {
        case .int(let i): return i
        case .double(let d): return Int(exactly: d)
        default: return nil
        }
    }

    /// Microseconds since the epoch of a timestamp, or of ISO 8601 text.
    static func timestampMicros(_ value: Value) -> Int? {
        switch value {
        case .timestamp(let t): return Int(t.microseconds)
        case .string(let s): return Timestamp(iso8601: s).map { Int($0.microseconds) }
        default: return nil
        }
    }

    /// Whether `text` is lower-case `8-4-4-4-12` hex.
    static func isUUID(_ text: String) -> Bool {
        for (i, byte) in text.utf8.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) else {
                    return false
                }
            }
        }
        return text.utf8.count == 36
    }

    /// A value's JSON text for a message, shortened to 60 characters.
    static func shortText(_ value: Value) -> String {
        let text = JSONText.string(value)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}

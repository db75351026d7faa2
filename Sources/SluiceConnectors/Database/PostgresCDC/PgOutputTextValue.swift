import SluiceCore

/// Converts a column value in PostgreSQL's text output format to a ``Value``, by the
/// column's type oid:
///
/// | type | value |
/// |---|---|
/// | `int2`, `int4`, `int8`, `oid` | int |
/// | `float4`, `float8` | double; `NaN` and `±Infinity` stay text (JSON has no such numbers) |
/// | `numeric` | int, double or exact decimal text, see ``PgOutputNumericText`` |
/// | `bool` | bool (`t`/`f`) |
/// | `json`, `jsonb` | the parsed document |
/// | `date`, `timestamp`, `timestamptz` | timestamp in UTC (zone-less values taken as UTC); text when out of range (`infinity`) |
/// | `bytea` | base64 text of the bytes |
/// | arrays of the types above and of text-like types | arrays (nested for multi-dimensional ones) of the element values |
/// | everything else (`text`, `varchar`, `uuid`, `time`, `interval`, enums, …) | text |
///
/// A value that does not parse as its type says (which the server never sends) stays text.
enum PgOutputTextValue {
    /// The value of `bytes`, the text form of a value of type `typeOID`.
    static func value(_ bytes: [UInt8], typeOID: UInt32) -> Value {
        if typeOID == PgOutputTypeOID.json || typeOID == PgOutputTypeOID.jsonb {
            return (try? JSONParser.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
        }
        return value(String(decoding: bytes, as: UTF8.self), typeOID: typeOID)
    }

    /// The value of `text`, the text form of a value of type `typeOID`.
    static func value(_ text: String, typeOID: UInt32) -> Value {
        switch typeOID {
        case PgOutputTypeOID.int2, PgOutputTypeOID.int4, PgOutputTypeOID.int8, PgOutputTypeOID.oid:
            return Int(text).map(Value.int) ?? .string(text)
        case PgOutputTypeOID.float4, PgOutputTypeOID.float8:
            guard let double = Double(text), double.isFinite else { return .string(text) }
            return .double(double)
        case PgOutputTypeOID.numeric:
            return PgOutputNumericText.value(text)
        case PgOutputTypeOID.bool:
            switch text {
            case "t": return .bool(true)
            case "f": return .bool(false)
            default: return .string(text)
            }
        case PgOutputTypeOID.json, PgOutputTypeOID.jsonb:
            return (try? JSONParser.parse(text)) ?? .string(text)
        case PgOutputTypeOID.date, PgOutputTypeOID.timestamp, PgOutputTypeOID.timestamptz:
            return PgOutputTimestampText.timestamp(text).map(Value.timestamp) ?? .string(text)
        case PgOutputTypeOID.bytea:
            return byteaValue(text)
        default:
            if let element = PgOutputTypeOID.arrayElements[typeOID] {
                guard let elements = PgOutputArrayText.parse(text) else { return .string(text) }
                return arrayValue(elements, elementOID: element)
            }
            return .string(text)
        }
    }

    /// The base64 text of a `bytea` in hex output (`\x01ff`); other text is kept as it is.
    static func byteaValue(_ text: String) -> Value {
        let hex = Array(text.utf8)
        guard hex.count >= 2, hex[0] == UInt8(ascii: "\\"), hex[1] == UInt8(ascii: "x"), hex.count % 2 == 0 else {
            return .string(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2 - 1)
        var index = 2
        while index < hex.count {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return .string(text) }
            bytes.append(high << 4 | low)
            index += 2
        }
        return .string(Base64.encode(bytes))
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func arrayValue(_ elements: [PgOutputArrayText.Element], elementOID: UInt32) -> Value {
        .array(elements.map { element in
            switch element {
            case .null: return .null
            case .text(let text): return value(text, typeOID: elementOID)
            case .array(let nested): return arrayValue(nested, elementOID: elementOID)
            }
        })
    }
}

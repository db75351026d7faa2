import SluiceCore

/// The PostgreSQL text form of Sluice values, as the target sends them (COPY rows and bound
/// parameters alike), so the server's input functions do the conversion and any column type
/// that reads the text works (`numeric`, `date`, `uuid`, `inet`, an enum …).
///
/// int → decimal digits; double → the shortest text that reads back as the same double
/// (integral values below 2^53 without a fraction, `NaN`, `Infinity`, `-Infinity`); bool →
/// `true`/`false`; string → itself; timestamp → `2024-01-02 03:04:05.123456+00` (`BC` for
/// years before 1); array and object → compact JSON, or for an array going into an array
/// column PostgreSQL's array literal (`{1,"a b",NULL}`); null has no text form.
enum PostgresTextForm {
    /// The text of `value`, or `nil` for null.
    static func bytes(_ value: Value, arrayColumn: Bool = false) -> [UInt8]? {
        if case .null = value { return nil }
        var out: [UInt8] = []
        append(value, arrayColumn: arrayColumn, to: &out)
        return out
    }

    /// Appends the text of a non-null `value` (null appends nothing).
    static func append(_ value: Value, arrayColumn: Bool, to out: inout [UInt8]) {
        switch value {
        case .null: return
        case .bool(let b): appendBool(b, to: &out)
        case .int(let i): JSONText.appendInt(i, to: &out)
        case .double(let d): appendDouble(d, to: &out)
        case .string(let s): out.append(contentsOf: s.utf8)
        case .timestamp(let t): appendTimestamp(t, to: &out)
        case .array(let elements) where arrayColumn: appendArrayLiteral(elements, to: &out)
        case .array, .object: JSONText.append(value, to: &out)
        }
    }

    static func appendBool(_ value: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            out.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8)
        } else if value.rounded(.towardZero) == value, value.magnitude < 9_007_199_254_740_992 {
            // Integral: no ".0", so the text also reads into integer columns.
            JSONText.appendInt(Int(value), to: &out)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, which `timestamptz`, `timestamp` and `date` read.
    static func appendTimestamp(_ value: Timestamp, to out: inout [UInt8]) {
        let c = value.civil
        // PostgreSQL has no year 0: 1 BC is year 0 of the proleptic calendar.
        let bc = c.year <= 0
        appendPadded(bc ? 1 - c.year : c.year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(c.month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(c.day, width: 2, to: &out)
        out.append(UInt8(ascii: " "))
        appendPadded(c.hour, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(c.minute, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(c.second, width: 2, to: &out)
        if c.microsecond != 0 {
            out.append(UInt8(ascii: "."))
            appendPadded(c.microsecond, width: 6, to: &out)
        }
        out.append(contentsOf: "+00".utf8)
        if bc { out.append(contentsOf: " BC".utf8) }
    }

    /// `value` (never negative here) zero-padded to `width` digits.
    private static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        Timestamp.appendDigits(value.magnitude, width: width, to: &out)
    }

    /// PostgreSQL's array literal: `{` elements `}`, each quoted unless null or nested.
    static func appendArrayLiteral(_ elements: [Value], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            switch element {
            case .null: out.append(contentsOf: "NULL".utf8)
            case .array(let inner): appendArrayLiteral(inner, to: &out)
            default:
                var text: [UInt8] = []
                append(element, arrayColumn: false, to: &text)
                out.append(UInt8(ascii: "\""))
                for byte in text {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            }
        }
        out.append(UInt8(ascii: "}"))
    }
}

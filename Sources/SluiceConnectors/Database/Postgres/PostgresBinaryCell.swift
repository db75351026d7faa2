import SluiceCore

/// Writes one cell of a binary COPY (its 32-bit length, −1 for null, then the value in the
/// binary form of the column's type), or declines when that would not store exactly what
/// the value's text form (``PostgresTextForm``) stores through the type's input function.
///
/// What goes in binary, by column type (anything else declines):
///
/// | column | values |
/// |---|---|
/// | int2, int4, int8 | ints in range; integral doubles below 2^53 in range; strings `[+-]?[0-9]+` in range |
/// | float4, float8 | ints; doubles (−0 as 0, as its text `0` reads; a float4 only when no double rounding can differ); decimal strings that stay finite and normal |
/// | numeric | ints; doubles (the shortest decimal, its fraction digits as scale; `NaN`, `±Infinity`); decimal strings and `NaN` |
/// | bool | bools; ints and doubles 0 and 1; the words `boolin` reads (``PostgresTextInput/boolean(_:)``) |
/// | text, varchar, bpchar, json | the value's text form |
/// | jsonb | version 1, then the value's text form |
/// | date, timestamp, timestamptz | timestamps; ISO 8601 strings (``PostgresDateTimeInput``) |
/// | uuid | strings of 32 hex digits, with or without the four hyphens |
/// | bytea | text forms without a backslash; strings `\x` + hex pairs |
struct PostgresBinaryCell {
    /// Whether every row of `rows` of `column` has an exact binary form: at once for the
    /// typed columns whose every value has one, else value by value (writing the ones it
    /// cannot tell otherwise to a scratch buffer).
    mutating func accepts(_ column: Column, rows: Range<Int>, as type: PostgresColumnType) -> Bool {
        switch column.storage {
        case .ints: if type.takesEveryInt { return true }
        case .doubles: if type.takesEveryDouble { return true }
        case .bools: if type == .bool || type.takesText { return true }
        case .text, .dictionary: if type.takesAnyString { return true }
        case .values(let values):
            var trial: [UInt8] = []
            for row in rows where column.isPresent(row) && !Self.surelyAccepts(values[row], as: type) {
                trial.removeAll(keepingCapacity: true)
                guard write(values[row], as: type, to: &trial) else { return false }
            }
            return true
        }
        var trial: [UInt8] = []
        for row in rows {
            trial.removeAll(keepingCapacity: true)
            guard write(column, row: row, as: type, to: &trial) else { return false }
        }
        return true
    }

    /// Whether `value` has a binary form for `type` whatever it is (false: maybe not).
    private static func surelyAccepts(_ value: Value, as type: PostgresColumnType) -> Bool {
        switch value {
        case .null: return true
        case .int: return type.takesEveryInt
        case .double: return type.takesEveryDouble
        case .bool: return type == .bool || type.takesText
        case .string: return type.takesAnyString
        case .timestamp(let t):
            return type.takesText || (type == .timestamp || type == .timestamptz) && t.microseconds >= Int64.min + PostgresCellDecoder.epochOffsetMicros
        case .array, .object: return type.takesAnyString
        }
    }

    /// Writes row `row` of `column`; false when it has no exact binary form.
    mutating func write(_ column: Column, row: Int, as type: PostgresColumnType, to out: inout [UInt8]) -> Bool {
        guard column.isPresent(row) else {
            Self.put(Int32(-1), to: &out)
            return true
        }
        switch column.storage {
        case .ints(let values): return writeInt(values[row], as: type, to: &out)
        case .doubles(let values): return writeDouble(values[row], as: type, to: &out)
        case .bools(let values): return writeBool(values[row], as: type, to: &out)
        case .text(let text): return text.withBytes(at: row) { writeText($0, as: type, to: &out) }
        case .dictionary(let d): return d.dictionary.withBytes(at: d.code(at: row)) { writeText($0, as: type, to: &out) }
        case .values(let values): return write(values[row], as: type, to: &out)
        }
    }

    /// Writes `value`; false when it has no exact binary form.
    mutating func write(_ value: Value, as type: PostgresColumnType, to out: inout [UInt8]) -> Bool {
        switch value {
        case .null:
            Self.put(Int32(-1), to: &out)
            return true
        case .int(let i): return writeInt(i, as: type, to: &out)
        case .double(let d): return writeDouble(d, as: type, to: &out)
        case .bool(let b): return writeBool(b, as: type, to: &out)
        case .string(var s): return s.withUTF8 { writeText(UnsafeRawBufferPointer($0), as: type, to: &out) }
        case .timestamp(let t): return writeTimestamp(t, as: type, to: &out)
        case .array, .object:
            guard type.takesText else { return false }
            return Self.writeTextForm(as: type, to: &out) { PostgresTextForm.append(value, arrayColumn: false, to: &$0) }
        }
    }

    private mutating func writeInt(_ value: Int, as type: PostgresColumnType, to out: inout [UInt8]) -> Bool {
        switch type {
        case .int8: Self.writeFixed(Int64(value), to: &out)
        case .int4:
            guard let narrow = Int32(exactly: value) else { return false }
            Self.writeFixed(narrow, to: &out)
        case .int2:
            guard let narrow = Int16(exactly: value) else { return false }
            Self.writeFixed(narrow, to: &out)
        case .float8: Self.writeFixed(Double(value).bitPattern, to: &out)
        case .float4: Self.writeFixed(Float(value).bitPattern, to: &out)
        case .numeric: PostgresNumericBinary.writeInteger(value, to: &out)
        case .bool:
            guard value == 0 || value == 1 else { return false }
            Self.writeFixed(UInt8(value == 1 ? 1 : 0), to: &out)
        case .text, .json, .jsonb, .bytea:
            return Self.writeTextForm(as: type, to: &out) { JSONText.appendInt(value, to: &$0) }
        case .date, .timestamp, .timestamptz, .uuid: return false
        }
        return true
    }

    private mutating func writeDouble(_ value: Double, as type: PostgresColumnType, to out: inout [UInt8]) -> Bool {
        // The text form of an integral double below 2^53 is its integer's digits.
        let integral = value.rounded(.towardZero) == value && value.magnitude < 9_007_199_254_740_992
        switch type {
        case .int8, .int4, .int2:
            guard integral else { return false }
            return writeInt(Int(value), as: type, to: &out)
        case .bool:
            guard integral, value == 0 || value == 1 else { return false }
            Self.writeFixed(UInt8(value == 1 ? 1 : 0), to: &out)
        case .float8:
            Self.writeFixed((value.isNaN ? Double.nan : value == 0 ? 0 : value).bitPattern, to: &out)
        case .float4:
            guard let float = Self.float4(value, exactText: integral) else { return false }
            Self.writeFixed(float.bitPattern, to: &out)
        case .numeric: PostgresNumericBinary.writeDouble(value, to: &out)
        case .text, .json, .jsonb, .bytea:
            return Self.writeTextForm(as: type, to: &out) { PostgresTextForm.appendDouble(value, to: &$0) }
        case .date, .timestamp, .timestamptz, .uuid: return false
        }
        return true
    }

    /// The float `float4in` makes of the double's text form, when certain: that text reads
    /// back as `value` in double precision, so it rounds to the same float as `value` unless
    /// `value` lies exactly halfway between two floats (then the text's own digits decide);
    /// `exactText`: the text is `value` itself. Nil for values out of float range.
    private static func float4(_ value: Double, exactText: Bool) -> Float? {
        if value.isNaN { return Float.nan }
        if value.isInfinite { return value < 0 ? -Float.infinity : Float.infinity }
        if value == 0 { return 0 }
        guard value.magnitude <= Double(Float.greatestFiniteMagnitude) else { return nil }
        let float = Float(value)
        guard float.isNormal else { return nil }
        if exactText || Double(float) == value { return float }
        let neighbour = Double(float) < value ? float.nextUp : float.nextDown
        guard neighbour.isFinite, (Double(float) + Double(neighbour)) / 2 != value else { return nil }
        return float
    }

    private mutating func writeBool(_ value: Bool, as type: PostgresColumnType, to out: inout [UInt8]) -> Bool {
        switch type {
        case .bool: Self.writeFixed(UInt8(value ? 1 : 0), to: &out)
        case .text, .json, .jsonb, .bytea:
            return Self.writeTextForm(as: type, to: &out) { PostgresTextForm.appendBool(value, to: &$0) }
        default: return false
        }
        return true
    }

    private mutating func writeTimestamp(_ value: Timestamp, as type: PostgresColumnType, to out: inout [UInt8]) -> Bool {
        switch type {
        case .timestamp, .timestamptz:
            // The text form is the UTC time, which `timestamp` keeps without the offset.
            return Self.writeMicros(value.microseconds, to: &out)
        case .date:
            var days = value.microseconds / 86_400_000_000
            if value.microseconds % 86_400_000_000 < 0 { days -= 1 }
            return Self.writeDays(Int(days), to: &out)
        case .text, .json, .jsonb, .bytea:
            return Self.writeTextForm(as: type, to: &out) { PostgresTextForm.appendTimestamp(value, to: &$0) }
        default: return false
        }
    }

    private mutating func writeText(_ bytes: UnsafeRawBufferPointer, as type: PostgresColumnType, to out: inout [UInt8]) -> Bool {
        switch type {
        case .text, .json: return Self.writeBytes(bytes, to: &out)
        case .jsonb: return Self.writeBytes(bytes, version: 1, to: &out)
        case .int8, .int4, .int2:
            guard let value = PostgresTextInput.integer(bytes) else { return false }
            return writeInt(Int(value), as: type, to: &out)
        case .float8:
            guard let value = Self.parsedFloat(bytes, as: Double.self) else { return false }
            Self.writeFixed(value.bitPattern, to: &out)
        case .float4:
            guard let value = Self.parsedFloat(bytes, as: Float.self) else { return false }
            Self.writeFixed(value.bitPattern, to: &out)
        case .numeric:
            if bytes.count == 3, String(decoding: bytes, as: UTF8.self).lowercased() == "nan" {
                PostgresNumericBinary.writeDouble(.nan, to: &out)
                return true
            }
            guard let decimal = PostgresTextInput.decimal(bytes) else { return false }
            PostgresNumericBinary.write(decimal, to: &out)
        case .bool:
            guard let value = PostgresTextInput.boolean(bytes) else { return false }
            Self.writeFixed(UInt8(value ? 1 : 0), to: &out)
        case .date:
            guard let input = PostgresDateTimeInput(bytes) else { return false }
            return Self.writeDays(input.days, to: &out)
        case .timestamp:
            guard let input = PostgresDateTimeInput(bytes) else { return false }
            return Self.writeMicros(input.localMicros, to: &out)
        case .timestamptz:
            guard let input = PostgresDateTimeInput(bytes) else { return false }
            return Self.writeMicros(input.instantMicros, to: &out)
        case .uuid:
            guard let value = PostgresTextInput.uuid(bytes) else { return false }
            Self.put(Int32(16), to: &out)
            out.append(contentsOf: value)
        case .bytea:
            guard let value = PostgresTextInput.bytea(bytes) else { return false }
            return value.withUnsafeBytes { Self.writeBytes($0, to: &out) }
        }
        return true
    }

    /// Writes the cell of a value's text form, which `append` appends, for a column of a
    /// text-reading type: its length goes in front once it is known; a bytea column declines
    /// a text with a backslash (`byteain` would read escapes in it).
    private static func writeTextForm(as type: PostgresColumnType, to out: inout [UInt8], _ append: (inout [UInt8]) -> Void) -> Bool {
        let start = out.count
        put(Int32(0), to: &out)
        if type == .jsonb { out.append(1) }
        append(&out)
        if type == .bytea, out[(start + 4)...].contains(UInt8(ascii: "\\")) {
            out.removeSubrange(start...)
            return false
        }
        guard let length = Int32(exactly: out.count - start - 4) else {
            out.removeSubrange(start...)
            return false
        }
        withUnsafeBytes(of: length.bigEndian) { bytes in
            for index in 0..<4 { out[start + index] = bytes[index] }
        }
        return true
    }

    /// A decimal string's float, when finite and normal (or an exact zero), as the server's
    /// `strtod`/`strtof` read it (both round correctly, as Swift's parsers do).
    private static func parsedFloat<F: BinaryFloatingPoint & LosslessStringConvertible>(_ bytes: UnsafeRawBufferPointer, as: F.Type) -> F? {
        guard let decimal = PostgresTextInput.decimal(bytes), let value = F(String(decoding: bytes, as: UTF8.self)) else { return nil }
        if value == 0 {
            // An underflow to zero is an error for the server; a written zero is a zero.
            return decimal.digits.allSatisfy { $0 == UInt8(ascii: "0") } ? value : nil
        }
        return value.isNormal ? value : nil
    }

    private static func writeMicros(_ unixMicros: Int64, to out: inout [UInt8]) -> Bool {
        let (micros, overflow) = unixMicros.subtractingReportingOverflow(PostgresCellDecoder.epochOffsetMicros)
        guard !overflow else { return false }
        writeFixed(micros, to: &out)
        return true
    }

    private static func writeDays(_ unixDays: Int, to out: inout [UInt8]) -> Bool {
        guard let days = Int32(exactly: unixDays - Int(PostgresCellDecoder.epochOffsetDays)) else { return false }
        writeFixed(days, to: &out)
        return true
    }

    private static func writeFixed<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        put(Int32(truncatingIfNeeded: MemoryLayout<T>.size), to: &out)
        put(value, to: &out)
    }

    private static func writeBytes(_ bytes: UnsafeRawBufferPointer, version: UInt8? = nil, to out: inout [UInt8]) -> Bool {
        guard let length = Int32(exactly: bytes.count + (version == nil ? 0 : 1)) else { return false }
        put(length, to: &out)
        if let version { out.append(version) }
        out.append(contentsOf: bytes)
        return true
    }

    /// Appends `value` big-endian.
    @inline(__always)
    static func put<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            out.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }
}

extension PostgresColumnType {
    /// Whether the column stores a value's text form as it is (text, json, jsonb, bytea).
    var takesText: Bool {
        switch self {
        case .text, .json, .jsonb, .bytea: return true
        default: return false
        }
    }

    /// Whether every string goes in as it is (text, json, jsonb; the server checks JSON).
    var takesAnyString: Bool {
        switch self {
        case .text, .json, .jsonb: return true
        default: return false
        }
    }

    /// Whether every int has a binary form for the column.
    var takesEveryInt: Bool {
        switch self {
        case .int8, .float8, .float4, .numeric, .text, .json, .jsonb, .bytea: return true
        default: return false
        }
    }

    /// Whether every double has a binary form for the column.
    var takesEveryDouble: Bool {
        switch self {
        case .float8, .numeric, .text, .json, .jsonb, .bytea: return true
        default: return false
        }
    }
}

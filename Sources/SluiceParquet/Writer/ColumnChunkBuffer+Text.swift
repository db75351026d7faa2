import SluiceCore

extension ColumnChunkBuffer {
    /// Appends text given as UTF-8 bytes: a string, or the text form of a value whose type
    /// Sluice carries as text (binary as base64, UUIDs, decimals beyond `Int`, times of day,
    /// unsigned integers beyond `Int.max`).
    mutating func appendText(_ text: UnsafeRawBufferPointer, position: Int) throws {
        switch plan.kind {
        case .string:
            pushByteArray(text)
        case .json:
            JSONText.appendString(bytes: text, to: &bytes)
            endByteArray()
        case .binary:
            guard Base64Text.decode(text, into: &bytes) else {
                throw mismatch("a string", position: position, detail: "a string that is not base64 does not fit")
            }
            endByteArray()
        case .fixed(let length):
            let start = bytes.count
            guard Base64Text.decode(text, into: &bytes) else {
                throw mismatch("a string", position: position, detail: "a string that is not base64 does not fit")
            }
            guard bytes.count - start == length else {
                let decoded = bytes.count - start
                bytes.removeSubrange(start...)
                throw mismatch(
                    "a string", position: position, detail: "\(decoded) bytes of base64 do not fit \(length) bytes")
            }
        case .uuid:
            guard UUIDText.parse(text, into: &bytes) else {
                throw mismatch("a string", position: position, detail: "a string that is not a UUID does not fit")
            }
        case .decimal:
            try appendDecimal(text: text, position: position)
            return
        case .uint64:
            guard let value = Self.parseUnsigned(text) else {
                throw mismatch("a string", position: position, detail: "a string that is not an unsigned integer does not fit")
            }
            int64s.append(Int64(bitPattern: value))
        case .date:
            guard let t = Timestamp.parse(text.assumingMemoryBound(to: UInt8.self)) else {
                throw mismatch("a string", position: position, detail: "a string that is not a date does not fit")
            }
            int32s.append(try dateValue(t.microseconds, position: position))
        case .timestamp(let unit, _):
            guard let t = Timestamp.parse(text.assumingMemoryBound(to: UInt8.self)) else {
                throw mismatch("a string", position: position, detail: "a string that is not an ISO 8601 timestamp does not fit")
            }
            int64s.append(try timestampValue(t.microseconds, unit: unit, position: position))
        case .time(let unit):
            guard let nanos = TimeOfDayText.nanoseconds(text) else {
                throw mismatch("a string", position: position, detail: "a string that is not a time of day (HH:MM:SS) does not fit")
            }
            switch unit {
            case .millis:
                guard nanos % 1_000_000 == 0 else {
                    throw mismatch("a time", position: position, detail: "a time with sub-millisecond digits does not fit")
                }
                int32s.append(Int32(truncatingIfNeeded: nanos / 1_000_000))
            case .micros:
                guard nanos % 1000 == 0 else {
                    throw mismatch("a time", position: position, detail: "a time with sub-microsecond digits does not fit")
                }
                int64s.append(nanos / 1000)
            case .nanos:
                int64s.append(nanos)
            }
        case .boolean, .int64, .int32, .double, .float:
            throw mismatch("a string", position: position)
        }
        notePresent()
    }

    /// Decimal digits (no sign) as an unsigned 64-bit integer; `nil` on anything else or
    /// overflow.
    static func parseUnsigned(_ text: UnsafeRawBufferPointer) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in text {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }
}

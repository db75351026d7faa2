import SluiceCore

/// A strict reader of ISO 8601 dates and date-times, in the forms PostgreSQL's `date_in`,
/// `timestamp_in` and `timestamptz_in` read the same way whatever the `DateStyle`:
///
/// `YYYY-MM-DD` (year 0001–9999), optionally followed by `T` or a space and `HH:MM`,
/// `HH:MM:SS` or `HH:MM:SS.f` (1 to 6 fraction digits), then optionally `Z`, `±HH`,
/// `±HHMM` or `±HH:MM` (hours up to 15). Impossible dates, hour 24 and second 60 are
/// refused (the server reads some of them in ways of its own), and so is anything else.
struct PostgresDateTimeInput: Equatable {
    /// Days since 1970-01-01 of the written date.
    var days: Int
    /// Microseconds since midnight of the written time (0 without a time).
    var microsOfDay: Int64
    /// The written UTC offset in seconds, nil without one.
    var offsetSeconds: Int?

    /// Microseconds since 1970-01-01 UTC as `timestamptz` reads it: a text without an offset
    /// is in the session's time zone, which the target's connections set to UTC.
    var instantMicros: Int64 { localMicros - Int64(offsetSeconds ?? 0) * 1_000_000 }

    /// Microseconds since 1970-01-01 of the written date and time as `timestamp` (without
    /// time zone) reads it: any offset is ignored.
    var localMicros: Int64 { Int64(days) * 86_400_000_000 + microsOfDay }

    /// Reads `bytes`, nil when they are not in one of the forms above.
    init?(_ bytes: UnsafeRawBufferPointer) {
        var reader = Reader(bytes: bytes)
        guard let year = reader.digits(4), reader.take(UInt8(ascii: "-")), let month = reader.digits(2),
            reader.take(UInt8(ascii: "-")), let day = reader.digits(2),
            year >= 1, (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month)
        else { return nil }
        days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        microsOfDay = 0
        offsetSeconds = nil
        guard !reader.atEnd else { return }
        guard reader.take(UInt8(ascii: "T")) || reader.take(UInt8(ascii: " ")),
            let hour = reader.digits(2), hour < 24, reader.take(UInt8(ascii: ":")), let minute = reader.digits(2), minute < 60
        else { return nil }
        var second = 0
        var micros = 0
        if reader.take(UInt8(ascii: ":")) {
            guard let value = reader.digits(2), value < 60 else { return nil }
            second = value
            if reader.take(UInt8(ascii: ".")) {
                var scale = 100_000
                var count = 0
                while let digit = reader.digit() {
                    count += 1
                    guard count <= 6 else { return nil }
                    micros += digit * scale
                    scale /= 10
                }
                guard count > 0 else { return nil }
            }
        }
        microsOfDay = Int64((hour * 3600 + minute * 60 + second) * 1_000_000 + micros)
        guard !reader.atEnd else { return }
        if reader.take(UInt8(ascii: "Z")) || reader.take(UInt8(ascii: "z")) {
            offsetSeconds = 0
        } else {
            let sign: Int
            if reader.take(UInt8(ascii: "+")) {
                sign = 1
            } else if reader.take(UInt8(ascii: "-")) {
                sign = -1
            } else {
                return nil
            }
            guard let hours = reader.digits(2), hours <= 15 else { return nil }
            var minutes = 0
            if !reader.atEnd {
                _ = reader.take(UInt8(ascii: ":"))
                guard let value = reader.digits(2), value < 60 else { return nil }
                minutes = value
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard reader.atEnd else { return nil }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count else { return nil }
            let value = bytes[index] &- UInt8(ascii: "0")
            guard value < 10 else { return nil }
            index += 1
            return Int(value)
        }

        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }
}

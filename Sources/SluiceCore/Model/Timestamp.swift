/// A point in time with microsecond precision, in UTC.
///
/// Parsing and formatting are hand-written (civil-from-days arithmetic) because
/// Foundation's ISO 8601 formatters are too slow for per-record use and too lenient to
/// validate with.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    /// A timestamp at `microseconds` since the Unix epoch.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// A timestamp at `milliseconds` since the Unix epoch.
    public init(milliseconds: Int64) { self.microseconds = milliseconds &* 1000 }

    /// Milliseconds since the Unix epoch (JavaScript's `Date.getTime()`).
    public var milliseconds: Int64 { microseconds / 1000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fraction]]`
    /// and `Z` or `±HH[:MM]`. Returns `nil` for anything else, including impossible dates.
    public init?(iso8601 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Timestamp.parse($0) }) else { return nil }
        self = parsed
    }

    /// Parses the bytes of an ISO 8601 date or date-time (see ``init(iso8601:)``).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var reader = DigitReader(bytes: bytes)
        guard let year = reader.digits(4), reader.expect(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.expect(UInt8(ascii: "-")),
            let day = reader.digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        var seconds = 0
        var micros = 0
        var offsetSeconds = 0
        if !reader.atEnd {
            guard reader.expect(UInt8(ascii: "T")) || reader.expect(UInt8(ascii: " ")) || reader.expect(UInt8(ascii: "t")),
                let hour = reader.digits(2), reader.expect(UInt8(ascii: ":")),
                let minute = reader.digits(2), hour < 24, minute < 60
            else { return nil }
            var second = 0
            if reader.expect(UInt8(ascii: ":")) {
                guard let s = reader.digits(2), s < 61 else { return nil }
                second = min(s, 59)
                if reader.expect(UInt8(ascii: ".")) || reader.expect(UInt8(ascii: ",")) {
                    var scale = 100_000
                    var any = false
                    while let d = reader.digit() {
                        any = true
                        micros += d * scale
                        scale /= 10
                    }
                    guard any else { return nil }
                }
            }
            seconds = hour * 3600 + minute * 60 + second
            if reader.expect(UInt8(ascii: "Z")) || reader.expect(UInt8(ascii: "z")) {
                offsetSeconds = 0
            } else if let sign = reader.sign() {
                guard let oh = reader.digits(2), oh < 24 else { return nil }
                var om = 0
                if reader.expect(UInt8(ascii: ":")) {
                    guard let m = reader.digits(2) else { return nil }
                    om = m
                } else if let m = reader.digits(2) {
                    om = m
                }
                guard om < 60 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard reader.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let total = Int64(days) * 86_400 + Int64(seconds - offsetSeconds)
        return Timestamp(microseconds: total * 1_000_000 + Int64(micros))
    }

    /// The instant's UTC calendar date and time of day (proleptic Gregorian; year 0 is 1 BC).
    public struct Civil: Sendable, Equatable {
        public var year: Int, month: Int, day: Int
        public var hour: Int, minute: Int, second: Int
        /// 0 ..< 1,000,000.
        public var microsecond: Int
    }

    /// The UTC date and time of day of this instant.
    public var civil: Civil {
        var seconds = microseconds / 1_000_000
        var micros = microseconds % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = Timestamp.civilFromDays(Int(days))
        return Civil(
            year: year, month: month, day: day, hour: Int(secondOfDay / 3600), minute: Int(secondOfDay / 60 % 60),
            second: Int(secondOfDay % 60), microsecond: Int(micros))
    }

    /// The ISO 8601 form in UTC with milliseconds, as JavaScript's `toISOString()` writes it
    /// (microseconds are kept when present).
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``iso8601`` to `out` as UTF-8 (all ASCII: digits, `-`, `:`, `T`, `.`, `Z`),
    /// digit by digit, without making a `String`: JSON and NDJSON targets write every
    /// timestamp this way.
    public func appendISO8601(to out: inout [UInt8]) {
        let c = civil
        if (0...9999).contains(c.year) {
            // The usual case, fixed width: put together on the stack, appended at once.
            var text: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            let count = withUnsafeMutableBytes(of: &text) { bytes -> Int in
                func pair(_ value: Int, at index: Int) {
                    bytes[index] = UInt8(truncatingIfNeeded: value / 10) &+ UInt8(ascii: "0")
                    bytes[index + 1] = UInt8(truncatingIfNeeded: value % 10) &+ UInt8(ascii: "0")
                }
                pair(c.year / 100, at: 0)
                pair(c.year % 100, at: 2)
                bytes[4] = UInt8(ascii: "-")
                pair(c.month, at: 5)
                bytes[7] = UInt8(ascii: "-")
                pair(c.day, at: 8)
                bytes[10] = UInt8(ascii: "T")
                pair(c.hour, at: 11)
                bytes[13] = UInt8(ascii: ":")
                pair(c.minute, at: 14)
                bytes[16] = UInt8(ascii: ":")
                pair(c.second, at: 17)
                bytes[19] = UInt8(ascii: ".")
                if c.microsecond % 1000 == 0 {
                    let milliseconds = c.microsecond / 1000
                    bytes[20] = UInt8(truncatingIfNeeded: milliseconds / 100) &+ UInt8(ascii: "0")
                    pair(milliseconds % 100, at: 21)
                    bytes[23] = UInt8(ascii: "Z")
                    return 24
                }
                pair(c.microsecond / 10_000, at: 20)
                pair(c.microsecond / 100 % 100, at: 22)
                pair(c.microsecond % 100, at: 24)
                bytes[26] = UInt8(ascii: "Z")
                return 27
            }
            withUnsafeBytes(of: &text) { out.append(contentsOf: $0.prefix(count)) }
            return
        }
        if c.year < 0 { out.append(UInt8(ascii: "-")) }
        Self.appendDigits(c.year.magnitude, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendDigits(UInt(c.month), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendDigits(UInt(c.day), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        Self.appendDigits(UInt(c.hour), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendDigits(UInt(c.minute), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendDigits(UInt(c.second), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        if c.microsecond % 1000 == 0 {
            Self.appendDigits(UInt(c.microsecond / 1000), width: 3, to: &out)
        } else {
            Self.appendDigits(UInt(c.microsecond), width: 6, to: &out)
        }
        out.append(UInt8(ascii: "Z"))
    }

    /// Appends the decimal digits of `value`, zero-padded on the left to at least `width`
    /// (the fields of a written date or time).
    public static func appendDigits(_ value: UInt, width: Int, to out: inout [UInt8]) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        for _ in count..<max(count, width) { out.append(UInt8(ascii: "0")) }
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var remaining = value
        var index = start + count
        while remaining > 0 {
            index -= 1
            out[index] = UInt8(truncatingIfNeeded: remaining % 10) &+ UInt8(ascii: "0")
            remaining /= 10
        }
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// The number of days of `month` (1–12) in `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A cursor over ASCII digits and separators, for the timestamp parser.
private struct DigitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func digit() -> Int? {
        guard index < bytes.count else { return nil }
        let b = bytes[index]
        guard b >= 48, b <= 57 else { return nil }
        index += 1
        return Int(b - 48)
    }

    mutating func digits(_ count: Int) -> Int? {
        var result = 0
        for _ in 0..<count {
            guard let d = digit() else { return nil }
            result = result * 10 + d
        }
        return result
    }

    mutating func expect(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int? {
        if expect(UInt8(ascii: "+")) { return 1 }
        if expect(UInt8(ascii: "-")) { return -1 }
        return nil
    }
}

import SluiceCore

/// Conversions between Excel serial numbers (days since the epoch of the workbook's date
/// system, the time of day as the fraction) and Sluice timestamps.
///
/// The 1900 system counts from 1899-12-30 with Lotus 1-2-3's bug: it believes 1900 was a leap
/// year, so serials 1–59 (1900-01-01 … 1900-02-28) are one day off and serial 60 is the
/// nonexistent 1900-02-29 (read as 1900-02-28, as openpyxl does). The 1904 system counts
/// from 1904-01-01. Times are rounded to the millisecond, as Excel stores them.
enum XLSXSerialDate {
    /// Days from 1970-01-01 to 1899-12-30.
    static let epoch1900 = -25_569
    /// Days from 1970-01-01 to 1904-01-01.
    static let epoch1904 = -24_107
    /// The last serial Excel shows as a date: 9999-12-31 in each system.
    static let maximum1900 = 2_958_466.0
    static let maximum1904 = 2_957_004.0

    /// What a date-formatted number reads as.
    enum Reading: Equatable {
        /// A date and time.
        case timestamp(Timestamp)
        /// A serial below 1: a time of day, `HH:MM:SS[.ffffff]`.
        case timeOfDay(String)
        /// Outside the dates Excel can show (negative, or after 9999-12-31): the number stays.
        case outOfRange
    }

    /// The date or time of serial `value` (as openpyxl's `from_excel` reads it).
    static func read(_ value: Double, date1904: Bool) -> Reading {
        guard value.isFinite, value >= 0, value < (date1904 ? maximum1904 : maximum1900) else { return .outOfRange }
        var day = value.rounded(.towardZero)
        let fraction = value - day
        let millis = (fraction * 86_400.0 * 1_000.0).rounded(.toNearestOrEven)
        guard let ms = Int64(exactly: millis) else { return .outOfRange }
        if value < 1, ms < 86_400_000 {
            return .timeOfDay(timeText(microseconds: ms * 1000))
        }
        if !date1904, value > 0, value < 60 { day += 1 }
        guard let days = Int64(exactly: day) else { return .outOfRange }
        let epoch = Int64(date1904 ? epoch1904 : epoch1900)
        return .timestamp(Timestamp(microseconds: (epoch + days) * 86_400_000_000 + ms * 1000))
    }

    /// An elapsed time of `value` days (`[h]:mm:ss`), rounded to the millisecond:
    /// `[-]H:MM:SS[.ffffff]` with as many hour digits as needed (at least two).
    static func elapsed(_ value: Double) -> String? {
        guard value.isFinite, abs(value) < 1e9 else { return nil }
        guard let rounded = Int64(exactly: (value * 86_400_000_000.0).rounded(.toNearestOrEven)) else { return nil }
        // Whole seconds are floored and the rest rounded to the millisecond (half to even),
        // as openpyxl reads a timedelta.
        var seconds = rounded / 1_000_000
        if rounded % 1_000_000 < 0 { seconds -= 1 }
        let sub = rounded - seconds * 1_000_000
        var millis = sub / 1000
        let remainder = sub % 1000
        if remainder > 500 || (remainder == 500 && millis % 2 == 1) { millis += 1 }
        let total = seconds * 1_000_000 + millis * 1000
        let magnitude = total.magnitude
        let hours = magnitude / 3_600_000_000
        let rest = magnitude % 3_600_000_000
        var text = total < 0 ? "-" : ""
        text += twoDigits(hours) + ":" + twoDigits(rest / 60_000_000) + ":" + twoDigits(rest / 1_000_000 % 60)
        if rest % 1_000_000 != 0 { text += "." + sixDigits(rest % 1_000_000) }
        return text
    }

    /// `HH:MM:SS[.ffffff]` of a time of day in microseconds.
    static func timeText(microseconds: Int64) -> String {
        let m = UInt64(max(0, microseconds))
        var text = twoDigits(m / 3_600_000_000) + ":" + twoDigits(m / 60_000_000 % 60) + ":" + twoDigits(m / 1_000_000 % 60)
        if m % 1_000_000 != 0 { text += "." + sixDigits(m % 1_000_000) }
        return text
    }

    /// The serial number of `timestamp` in the 1900 system, or `nil` before 1900-01-01 or
    /// after 9999-12-31 (which Excel cannot show as dates).
    static func serial(_ timestamp: Timestamp) -> Double? {
        let micros = timestamp.microseconds
        let dayMicros: Int64 = 86_400_000_000
        var days = micros / dayMicros
        var rest = micros % dayMicros
        if rest < 0 {
            rest += dayMicros
            days -= 1
        }
        // 1900-01-01 is day -25567; 1900-03-01 is day -25508; 10000-01-01 is day 2932897.
        guard days >= -25_567, days < 2_932_897 else { return nil }
        var serial = days - Int64(epoch1900)
        if days < -25_508 { serial -= 1 }
        return Double(serial) + Double(rest) / Double(dayMicros)
    }

    private static func twoDigits(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    private static func sixDigits(_ v: UInt64) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }
}

import SluiceCore

/// Dates, times of day and timestamps as Parquet stores them, in Sluice's conventions:
/// dates and timestamps become ``Timestamp``s (microseconds, nanoseconds floored), times of
/// day the text `HH:MM:SS[.ffffff]`. Values out of range give `nil` (the record is refused).
enum ParquetTemporal {
    static let microsecondsPerDay: Int64 = 86_400_000_000
    /// The Julian day number of 1970-01-01 (INT96 timestamps count Julian days).
    static let julianDayOfEpoch: Int64 = 2_440_588

    /// Days since the epoch → midnight UTC of that day.
    @inline(__always)
    static func date(days: Int64) -> Timestamp? {
        let (micros, overflow) = days.multipliedReportingOverflow(by: microsecondsPerDay)
        return overflow ? nil : Timestamp(microseconds: micros)
    }

    /// `value` in `unit` → microseconds, nanoseconds floored.
    @inline(__always)
    static func microseconds(_ value: Int64, unit: ParquetTimeUnit) -> Int64? {
        switch unit {
        case .millis:
            let (micros, overflow) = value.multipliedReportingOverflow(by: 1000)
            return overflow ? nil : micros
        case .micros:
            return value
        case .nanos:
            var quotient = value / 1000
            if value % 1000 < 0 { quotient -= 1 }
            return quotient
        }
    }

    /// An INT96 timestamp (nanoseconds of the day, then the Julian day, little-endian).
    static func int96(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        guard bytes.count == 12 else { return nil }
        let nanos = Int64(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        let julian = Int64(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int32.self)))
        guard let dayStart = date(days: julian - julianDayOfEpoch), let within = microseconds(nanos, unit: .nanos) else { return nil }
        let (micros, overflow) = dayStart.microseconds.addingReportingOverflow(within)
        return overflow ? nil : Timestamp(microseconds: micros)
    }

    /// Appends the time of day `micros` (0 ..< 24 h) as `HH:MM:SS`, with `.ffffff` when the
    /// fraction is not zero; false when out of range.
    static func appendTime(micros: Int64, to out: inout [UInt8]) -> Bool {
        guard micros >= 0, micros < microsecondsPerDay else { return false }
        let seconds = micros / 1_000_000
        let fraction = micros % 1_000_000
        func pair(_ value: Int64) {
            out.append(UInt8(truncatingIfNeeded: value / 10) &+ UInt8(ascii: "0"))
            out.append(UInt8(truncatingIfNeeded: value % 10) &+ UInt8(ascii: "0"))
        }
        pair(seconds / 3600)
        out.append(UInt8(ascii: ":"))
        pair(seconds / 60 % 60)
        out.append(UInt8(ascii: ":"))
        pair(seconds % 60)
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            var divisor: Int64 = 100_000
            while divisor > 0 {
                out.append(UInt8(truncatingIfNeeded: fraction / divisor % 10) &+ UInt8(ascii: "0"))
                divisor /= 10
            }
        }
        return true
    }
}

import SluiceCore

/// The calendar fields of a timestamp (UTC).
struct CivilTime: Sendable, Equatable {
    var year: Int, month: Int, day: Int
    /// Microseconds since midnight.
    var timeOfDay: Int64

    static let microsPerDay: Int64 = 86_400_000_000

    init(year: Int, month: Int, day: Int, timeOfDay: Int64) {
        self.year = year
        self.month = month
        self.day = day
        self.timeOfDay = timeOfDay
    }

    init(_ t: Timestamp) {
        let days = CivilTime.floorDivide(t.microseconds, CivilTime.microsPerDay)
        timeOfDay = t.microseconds - days * CivilTime.microsPerDay
        (year, month, day) = Timestamp.civilFromDays(Int(days))
    }

    /// Days since 1970-01-01.
    var days: Int { Timestamp.daysFromCivil(year: year, month: month, day: day) }

    /// 0 = Sunday … 6 = Saturday (DuckDB's `dayofweek`).
    var weekday: Int { Int(CivilTime.floorModulo(Int64(days) + 4, 7)) }

    /// The timestamp, or `nil` when it is out of range.
    var timestamp: Timestamp? {
        let (scaled, o1) = Int64(days).multipliedReportingOverflow(by: CivilTime.microsPerDay)
        let (total, o2) = scaled.addingReportingOverflow(timeOfDay)
        return o1 || o2 ? nil : Timestamp(microseconds: total)
    }
}

extension CivilTime {
    @inline(__always) static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
    
    @inline(__always) static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - CivilTime.floorDivide(a, b) * b }
}

/// A unit of `date_diff` and `date_add`.
enum DateUnit: String, Sendable, CaseIterable {
    case year, quarter, month, week, day, hour, minute, second, millisecond, microsecond

    /// Parses a unit name, singular or plural, in any case.
    init(name: String) throws(RowFailure) {
        var word = name.lowercased()
        if word.hasSuffix("s"), DateUnit(rawValue: String(word.dropLast())) != nil { word.removeLast() }
        guard let unit = DateUnit(rawValue: word) else {
            throw RowFailure("unknown date unit '\(name)'; expected one of \(DateUnit.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = unit
    }

    /// Microseconds per unit for the fixed-length units.
    var micros: Int64? {
        switch self {
        case .week: return 7 * CivilTime.microsPerDay
        case .day: return CivilTime.microsPerDay
        case .hour: return 3_600_000_000
        case .minute: return 60_000_000
        case .second: return 1_000_000
        case .millisecond: return 1_000
        case .microsecond: return 1
        case .year, .quarter, .month: return nil
        }
    }

    /// How many unit boundaries lie between `a` and `b` (negative when `b` is earlier), as
    /// DuckDB's `date_diff` counts them; weeks are whole days divided by 7.
    func difference(from a: Timestamp, to b: Timestamp) -> Int {
        let x = CivilTime(a)
        let y = CivilTime(b)
        switch self {
        case .year: return y.year - x.year
        case .quarter: return (y.year * 4 + (y.month - 1) / 3) - (x.year * 4 + (x.month - 1) / 3)
        case .month: return (y.year * 12 + y.month) - (x.year * 12 + x.month)
        case .week: return (y.days - x.days) / 7
        case .microsecond: return Int(b.microseconds &- a.microseconds)
        default:
            let size = micros ?? 1
            return Int(CivilTime.floorDivide(b.microseconds, size) - CivilTime.floorDivide(a.microseconds, size))
        }
    }

    /// `t` plus `amount` units; month-based units keep the day, clipped to the month's last day.
    func adding(_ amount: Int, to t: Timestamp) throws(RowFailure) -> Timestamp {
        if let size = micros {
            let (delta, o1) = Int64(amount).multipliedReportingOverflow(by: size)
            let (sum, o2) = t.microseconds.addingReportingOverflow(delta)
            guard !o1, !o2 else { throw RowFailure("date out of range") }
            return Timestamp(microseconds: sum)
        }
        let months: Int
        switch self {
        case .year: months = amount.multipliedReportingOverflow(by: 12).partialValue
        case .quarter: months = amount.multipliedReportingOverflow(by: 3).partialValue
        default: months = amount
        }
        guard amount.magnitude < 1_000_000 else { throw RowFailure("date out of range") }
        var civil = CivilTime(t)
        let index = civil.year * 12 + (civil.month - 1) + months
        civil.year = Int(CivilTime.floorDivide(Int64(index), 12))
        civil.month = Int(CivilTime.floorModulo(Int64(index), 12)) + 1
        civil.day = min(civil.day, Timestamp.daysInMonth(year: civil.year, month: civil.month))
        guard let result = civil.timestamp else { throw RowFailure("date out of range") }
        return result
    }
}

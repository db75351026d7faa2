import Foundation
import SluiceCore

/// The IANA time zone a cron expression is evaluated in (`Europe/Berlin`), with its
/// daylight-saving rules, read from the system's tz database.
///
/// See ``CronExpression/next(after:in:)`` for what happens to fire times in the hour
/// skipped or repeated by a daylight-saving change.
public struct CronTimeZone: Sendable, Equatable, CustomStringConvertible {
    /// The IANA name, such as `America/New_York`, or `UTC`.
    public let identifier: String
    let data: TZif

    /// Coordinated Universal Time: no offsets, no daylight saving, no files needed.
    public static let utc = CronTimeZone(identifier: "UTC", data: TZif(fixedOffset: 0))

    /// Where the tz database is looked for unless a directory is given (Debian's `tzdata`).
    public static let defaultDirectory = "/usr/share/zoneinfo"

    private init(identifier: String, data: TZif) {
        self.identifier = identifier
        self.data = data
    }

    /// Loads the zone named `identifier` from the tz database in `directory`. `UTC` needs
    /// no file. The error names the zone and says what was expected.
    public init(identifier: String, directory: String = CronTimeZone.defaultDirectory) throws(SpecError) {
        if identifier == "UTC" {
            self = .utc
            return
        }
        guard CronTimeZone.isWellFormed(identifier) else {
            throw SpecError("'\(identifier)' is not a time zone name; expected an IANA name such as 'Europe/Berlin' or 'UTC'")
        }
        guard let contents = FileManager.default.contents(atPath: directory + "/" + identifier) else {
            throw SpecError(
                "unknown time zone '\(identifier)'; expected an IANA name such as 'Europe/Berlin' or 'UTC' (looked in \(directory))")
        }
        guard let data = TZif(Array(contents)) else {
            throw SpecError("time zone '\(identifier)': \(directory)/\(identifier) is not a readable TZif file")
        }
        self.init(identifier: identifier, data: data)
    }

    /// Names are letters, digits and `_+-` in `/`-separated parts, never `..`: nothing
    /// outside the database can be reached.
    static func isWellFormed(_ identifier: String) -> Bool {
        let parts = identifier.split(separator: "/", omittingEmptySubsequences: false)
        return identifier.utf8.count <= 255
            && parts.allSatisfy { part in
                !part.isEmpty && part != "." && part != ".."
                    && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+-.".contains($0)) }
            }
    }

    /// The identifier.
    public var description: String { identifier }

    /// Zones are equal when they have the same name.
    public static func == (lhs: CronTimeZone, rhs: CronTimeZone) -> Bool { lhs.identifier == rhs.identifier }

    /// The offset east of UTC, in seconds, in force at `instant`.
    public func utcOffset(at instant: Timestamp) -> Int {
        Int(offset(atSecond: CronExpression.floorDivide(instant.microseconds, 1_000_000)))
    }

    /// `instant` as local wall time with its offset, `2024-03-10T03:00:00-04:00`
    /// (fractions of a second shown only when present).
    public func localISO8601(_ instant: Timestamp) -> String {
        let offset = Int64(utcOffset(at: instant))
        let utc = Timestamp(microseconds: instant.microseconds + offset * 1_000_000).iso8601
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        let hh = minutes / 60 < 10 ? "0\(minutes / 60)" : "\(minutes / 60)"
        let mm = minutes % 60 < 10 ? "0\(minutes % 60)" : "\(minutes % 60)"
        var wall = utc.hasSuffix("Z") ? String(utc.dropLast()) : utc
        if wall.hasSuffix(".000") { wall.removeLast(4) }
        return wall + sign + hh + ":" + mm
    }

    func offset(atSecond instant: Int64) -> Int64 { data.offset(at: instant) }

    /// The first offset change strictly after `instant` (seconds since 1970).
    func transition(after instant: Int64) -> UTCOffsetChange? { data.change(after: instant) }

    /// The last offset change at or before `instant` (seconds since 1970).
    func transition(atOrBefore instant: Int64) -> UTCOffsetChange? { data.change(atOrBefore: instant) }
}

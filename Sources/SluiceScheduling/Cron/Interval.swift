import SluiceCore

/// A fixed period between fire times: `"interval": "15m"` in a schedule, or `@every 15m`
/// in a cron expression.
///
/// Written as one or more `<number><unit>` parts, largest unit first, each unit at most
/// once: `30s`, `5m`, `1h30m`, `2d`, `1d12h`. Units are `d` (24 hours), `h`, `m` and `s`.
/// An interval fires at `anchor + k × interval` for whole `k` (see ``next(after:anchor:)``),
/// in absolute time: daylight-saving changes do not move it.
public struct Interval: Sendable, Hashable, CustomStringConvertible {
    /// The length in seconds; always positive.
    public let seconds: Int64

    /// The anchor of `@every` expressions: 1970-01-01T00:00:00Z, so `@every 1h` fires on
    /// the hour (UTC) and `@every 15m` at :00, :15, :30 and :45.
    public static let epoch = Timestamp(microseconds: 0)

    /// The longest interval accepted: 366 days.
    public static let maximumSeconds: Int64 = 366 * 86_400

    /// An interval of `seconds` seconds (1 to ``maximumSeconds``).
    public init?(seconds: Int64) {
        guard (1...Interval.maximumSeconds).contains(seconds) else { return nil }
        self.seconds = seconds
    }

    /// Parses `text` (`15m`); the error has an empty path and shows the position with a caret.
    public init(_ text: String) throws(SpecError) {
        do throws(CronSyntaxError) {
            self = try Interval(parsing: text[...], in: text)
        } catch {
            throw error.specError
        }
    }

    /// Parses `token`, a slice of `text` (errors point into `text`).
    public init(parsing token: Substring, in text: String) throws(CronSyntaxError) {
        let units: [(letter: Character, seconds: Int64, name: String)] = [
            ("d", 86_400, "days"), ("h", 3600, "hours"), ("m", 60, "minutes"), ("s", 1, "seconds"),
        ]
        guard !token.isEmpty else {
            throw CronSyntaxError("expected a duration such as 30s, 5m, 1h30m or 2d", at: token.startIndex, in: text)
        }
        var total: Int64 = 0
        var smallestUnitSoFar = units.count
        var index = token.startIndex
        while index < token.endIndex {
            let numberStart = index
            while index < token.endIndex, token[index].isASCII, token[index].isNumber { index = token.index(after: index) }
            guard index > numberStart else {
                throw CronSyntaxError(
                    "expected a number in duration '\(token)', such as 30s, 5m, 1h30m or 2d", at: index, in: text)
            }
            guard index < token.endIndex else {
                throw CronSyntaxError("missing unit after '\(token[numberStart..<index])'; expected d, h, m or s", at: index, in: text)
            }
            guard let unit = units.firstIndex(where: { $0.letter == token[index] }) else {
                throw CronSyntaxError("unknown unit '\(token[index])' in duration '\(token)'; expected d, h, m or s", at: index, in: text)
            }
            guard smallestUnitSoFar == units.count || unit > smallestUnitSoFar else {
                throw CronSyntaxError(
                    "units in duration '\(token)' must go from largest to smallest, each once (1h30m)", at: index, in: text)
            }
            smallestUnitSoFar = unit
            guard let number = Int64(token[numberStart..<index]), number <= Interval.maximumSeconds else {
                throw CronSyntaxError("duration '\(token)' is longer than 366 days", at: numberStart, in: text)
            }
            total += number * units[unit].seconds
            index = token.index(after: index)
        }
        guard total > 0 else {
            throw CronSyntaxError("duration '\(token)' must be longer than zero", at: token.startIndex, in: text)
        }
        guard total <= Interval.maximumSeconds else {
            throw CronSyntaxError("duration '\(token)' is longer than 366 days", at: token.startIndex, in: text)
        }
        seconds = total
    }

    /// The canonical spelling, largest unit first: `1h30m`, `2d`, `45s`.
    public var description: String {
        var rest = seconds
        var text = ""
        for (letter, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(letter)"
            rest %= size
        }
        return text
    }

    /// The first `anchor + k × interval` (any whole `k`, negative too) strictly after
    /// `date`; `nil` only past the end of representable time.
    public func next(after date: Timestamp, anchor: Timestamp) -> Timestamp? {
        let period = seconds * 1_000_000
        let (elapsed, overflow) = date.microseconds.subtractingReportingOverflow(anchor.microseconds)
        guard !overflow else { return nil }
        let steps = CronExpression.floorDivide(elapsed, period) + 1
        let (distance, overflow2) = steps.multipliedReportingOverflow(by: period)
        let (result, overflow3) = anchor.microseconds.addingReportingOverflow(distance)
        return overflow2 || overflow3 ? nil : Timestamp(microseconds: result)
    }
}

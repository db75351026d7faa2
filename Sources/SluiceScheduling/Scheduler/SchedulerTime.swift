import SluiceCore

/// Conversions between `Duration` and the microsecond `Timestamp` the scheduler works in.
/// Results saturate instead of trapping, since durations come from user settings.
enum SchedulerTime {
    /// `duration` in whole microseconds, saturated to the `Int64` range.
    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (sum, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000)
        if overflow2 { return seconds < 0 ? Int64.min : Int64.max }
        return sum
    }

    /// `time` moved by `microseconds`, saturated.
    static func adding(microseconds: Int64, to time: Timestamp) -> Timestamp {
        let (sum, overflow) = time.microseconds.addingReportingOverflow(microseconds)
        if overflow { return Timestamp(microseconds: microseconds < 0 ? Int64.min : Int64.max) }
        return Timestamp(microseconds: sum)
    }

    /// `time` moved by `duration`, saturated.
    static func adding(_ duration: Duration, to time: Timestamp) -> Timestamp {
        adding(microseconds: microseconds(duration), to: time)
    }

    /// A human spelling of a duration for reasons: `90s`, `1.5s`, `250ms`.
    static func describe(_ duration: Duration) -> String {
        let micros = microseconds(duration)
        if micros % 1_000_000 == 0 { return "\(micros / 1_000_000)s" }
        if micros % 1000 == 0, micros < 1_000_000 { return "\(micros / 1000)ms" }
        return "\(Double(micros) / 1_000_000)s"
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import SluiceCore

/// The real clock: `CLOCK_REALTIME` for the time, `Task.sleep` for waiting.
///
/// Cron fire times are wall-clock instants, so a long sleep is cut into slices of at most
/// `recheckInterval` and the wall clock is read again after each one: a clock step (NTP,
/// a suspended laptop) delays a firing by at most one slice instead of by the size of the step.
public struct SystemSchedulerClock: SchedulerClock {
    /// The longest single `Task.sleep` before the wall clock is read again.
    public var recheckInterval: Duration

    /// A system clock that re-reads the wall clock at least every `recheckInterval`.
    public init(recheckInterval: Duration = .seconds(30)) {
        self.recheckInterval = recheckInterval
    }

    /// The current wall-clock time, to the microsecond.
    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    /// Sleeps in slices until the wall clock reaches `deadline`.
    public func sleep(until deadline: Timestamp) async throws {
        let slice = SchedulerTime.microseconds(recheckInterval)
        while true {
            let remaining = deadline.microseconds - now().microseconds
            if remaining <= 0 { return }
            try await Task.sleep(for: .microseconds(min(remaining, max(slice, 1000))))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Timestamp {
    /// The current time from the system's real-time clock (what `now()` returns in
    /// expressions: taken once when a step is built for a run).
    public static func now() -> Timestamp {
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        return Timestamp(microseconds: Int64(clock.tv_sec) * 1_000_000 + Int64(clock.tv_nsec) / 1000)
    }
}

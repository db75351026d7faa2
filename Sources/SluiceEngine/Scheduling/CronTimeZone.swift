/// The time zone a ``CronExpression`` is evaluated in.
///
/// Only UTC exists for now; the type is here so that named zones (with their DST gaps and
/// repeated hours) can be added later without changing ``CronExpression/next(after:in:)``.
public enum CronTimeZone: Sendable, Equatable {
    /// Coordinated Universal Time: no offsets, no daylight saving.
    case utc
}
